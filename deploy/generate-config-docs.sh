#!/usr/bin/env bash
# Regenerates docs/configuration.md from the services' configuration sources (dev.verity.deploy.ConfigReference).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${JAVA_HOME:-}" && -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ]]; then export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64; fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
./mvnw -B -q -Dquarkus.analytics.disabled=true compile -pl events,deploy-check
"$JAVA" -cp deploy-check/target/classes:events/target/classes dev.verity.deploy.ConfigReference "$(pwd)"
