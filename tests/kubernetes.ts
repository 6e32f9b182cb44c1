// Whether the test run starts Kubernetes clusters. A cluster environment takes 4 GiB of limits
// and minutes to start on 2 cores; the kubernetes-basics lab, its lesson's walkthrough and the
// cluster integration test have not yet been proven end to end in one run of the suite, so a
// default run skips them — saying so in each skipped test's name — and
// ARCHLAB_KUBERNETES_TESTS=1 runs them.
export const KUBERNETES_TESTS = process.env.ARCHLAB_KUBERNETES_TESTS === "1";
export const KUBERNETES_SKIPPED =
  "skipped: Kubernetes tests run with ARCHLAB_KUBERNETES_TESTS=1 (not yet proven in a full run)";
