// Each component's image: the Dockerfile it is built from and, for the C++ three that
// share one build stage, its target (scripts/lib/images.sh builds them the same way).
export const IMAGES = {
  agent: { file: "deploy/docker/cpp.Dockerfile", target: "agent" },
  api: { file: "deploy/docker/cpp.Dockerfile", target: "api" },
  hub: { file: "deploy/docker/cpp.Dockerfile", target: "hub" },
  "node-api": { file: "deploy/docker/node-api.Dockerfile" },
  dashboard: { file: "deploy/docker/dashboard.Dockerfile" },
};
