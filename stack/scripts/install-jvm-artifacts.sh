#!/usr/bin/env bash
# Stages Kafka, Kafka Connect, Debezium and Apicurio from Maven Central into .run/jvm (once).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# Apicurio 3.0.x is the last line that runs on Java 17 (3.3 is built for Java 21, which Debian 12 lacks).
APICURIO_VERSION=3.0.9
marker="$RUN_DIR/jvm/.staged-$(cat "$STACK_DIR/jvm/pom.xml" "$0" | sha256sum | cut -c1-12)"
if [ -f "$marker" ]; then
  step "JVM artifacts present"
  exit 0
fi
command -v mvn >/dev/null || die "Maven (mvn) is required"
command -v java >/dev/null || die "Java 17+ is required"
step "staging Kafka, Connect, Debezium and Apicurio through Maven (first run downloads ~250 MB)"
rm -rf "$RUN_DIR/jvm"
mvn -B -q -f "$STACK_DIR/jvm/pom.xml" -Dstaging.dir="$RUN_DIR/jvm" package

# Apicurio 3.0.9's parent POM is absent from Maven Central: dependency-plugin 3.x refuses the
# artifact for that, 2.8 unpacks it without reading the descriptor. Run from a scratch folder,
# where 2.8 leaves its marker files, and always overwrite: this script's marker decides.
scratch=$(mktemp -d)
(cd "$scratch" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:2.8:unpack \
  -Dartifact="io.apicurio:apicurio-registry-app:${APICURIO_VERSION}:tar.gz:all" \
  -Dmdep.overWriteReleases=true -DoutputDirectory="$RUN_DIR/jvm/apicurio")
rm -rf "$scratch"

[ -f "$RUN_DIR/jvm/apicurio/apicurio-registry-app-${APICURIO_VERSION}-runner.jar" ] || die "Apicurio was not unpacked where expected"
[ -d "$RUN_DIR/jvm/connect-plugins/debezium-connector-postgres" ] || die "Debezium was not unpacked where expected"
touch "$marker"
step "JVM artifacts staged in $RUN_DIR/jvm"
