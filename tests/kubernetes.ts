// Whether the test run starts Kubernetes clusters: yes by default (the kubernetes-basics lab's
// verify, its lesson's walkthrough, and the cluster integration test with its isolation probe).
// A cluster environment takes 4 GiB of limits and minutes to start on 2 cores, so a machine that
// cannot afford that runs `ARCHLAB_KUBERNETES_TESTS=0 npm test`: those tests are then reported
// skipped, with this reason in their names — never passed.
export const KUBERNETES_TESTS = process.env.ARCHLAB_KUBERNETES_TESTS !== "0";
export const KUBERNETES_SKIPPED = "skipped: ARCHLAB_KUBERNETES_TESTS=0 (no Kubernetes clusters)";
