// Request bodies: JSON only, size-capped, validated by a zod schema with a message that names
// the field to fix.
import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import { HttpError } from "./respond.ts";

const MAX_BODY_BYTES = 16 * 1024;

export async function readJson<T extends z.ZodType>(
  req: IncomingMessage,
  schema: T,
): Promise<z.infer<T>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new HttpError(413, "too-large", `the request body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  let value: unknown;
  try {
    value = chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "bad-json", "the request body is not valid JSON");
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join(".") || "body";
    throw new HttpError(400, "bad-request", `${field}: ${issue?.message ?? "invalid"}`);
  }
  return result.data;
}
