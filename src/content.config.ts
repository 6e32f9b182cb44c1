// The lessons collection: lessons/<lang>/NN-slug.mdx with a checked frontmatter.
import { defineCollection } from "astro:content";
import { glob } from "astro/loaders";
import { z } from "astro/zod";

const lessons = defineCollection({
  loader: glob({ pattern: "**/*.mdx", base: "./lessons" }),
  schema: z.object({
    title: z.string().min(1),
    summary: z.string().min(1),
    order: z.number().int().min(0),
    duration: z.number().int().positive(),
    lab: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/)
      .optional(),
    seed: z.array(z.string()).default([]),
  }),
});

export const collections = { lessons };
