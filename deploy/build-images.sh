#!/usr/bin/env bash
# Builds the five Verity images (Quarkus JVM layout, <service>/src/main/docker/Dockerfile.jvm):
#   deploy/build-images.sh [--tag TAG] [--registry REGISTRY] [--skip-package]
# packages the services with Maven (tests skipped), then runs one `docker build` per service, each with its module
# directory as the build context. Images are named <registry>/<service>:<tag> (default verity/<service>:0.1.0-SNAPSHOT);
# the topic provisioning step runs from the webhook-receiver image (see docker-compose.yml, service topics).
# DOCKER=podman deploy/build-images.sh uses another client.
set -euo pipefail
cd "$(dirname "$0")/.."

SERVICES=(webhook-receiver renderer-service applier-service drift-monitor notifier)
TAG=0.1.0-SNAPSHOT
REGISTRY=verity
PACKAGE=true
DOCKER=${DOCKER:-docker}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tag) TAG="$2"; shift 2 ;;
    --registry) REGISTRY="$2"; shift 2 ;;
    --skip-package) PACKAGE=false; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-images: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

if [[ $PACKAGE == true ]]; then
  modules=$(IFS=,; echo "${SERVICES[*]}")
  ./mvnw -B -q -DskipTests -Dquarkus.analytics.disabled=true package -pl "$modules" -am
fi
for service in "${SERVICES[@]}"; do
  if [[ ! -f $service/target/quarkus-app/quarkus-run.jar ]]; then
    echo "build-images: $service/target/quarkus-app/quarkus-run.jar is missing; run without --skip-package" >&2
    exit 1
  fi
  image="$REGISTRY/$service:$TAG"
  echo "build-images: $image"
  "$DOCKER" build -f "$service/src/main/docker/Dockerfile.jvm" -t "$image" "$service"
done
