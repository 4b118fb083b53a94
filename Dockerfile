# syncplane image: the shaded jar built by Maven, run on a Java 17 JRE as a non-root user.
#
#   docker build -t syncplane .
#
# It needs PostgreSQL and Temporal; docker-compose.yml starts both and sets the SYNCPLANE_* variables
# that config.yml reads. The default command migrates the database, then starts the server.

# ---- build -------------------------------------------------------------------------------------
# Maven 3.9 on Temurin 17: the JDK the project compiles for (pom.xml: maven.compiler.release 17).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY src ./src
# The cache mount keeps ~/.m2 between builds (BuildKit, the default builder of docker build and of
# docker compose), so a source change does not download every dependency again.
RUN --mount=type=cache,target=/root/.m2 mvn -B -DskipTests package

# ---- runtime -----------------------------------------------------------------------------------
# Temurin 17 JRE (Ubuntu based): the runtime matching the build stage; curl is part of the image
# and serves the healthcheck.
FROM eclipse-temurin:17-jre
# curl for the HEALTHCHECK below and compose's healthcheck (installed explicitly: not every JRE image
# tag ships it).
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system syncplane \
 && useradd --system --gid syncplane --home-dir /app --no-create-home --shell /usr/sbin/nologin syncplane
WORKDIR /app
COPY --from=build /src/target/syncplane.jar ./syncplane.jar
COPY config.yml ./config.yml
USER syncplane

# 8080: the API. 8081: the admin port (healthcheck, metrics). config.yml binds the admin port to
# 127.0.0.1 unless SYNCPLANE_ADMIN_BIND_HOST says otherwise; docker-compose.yml sets 0.0.0.0 and
# publishes it on the host's loopback only.
EXPOSE 8080 8081

# JVM flags: a 256 MiB heap keeps the service under 512 MiB RSS with 20,000 connections an integration
# (bin/bench measures it; bin/setup gives bin/dev and bin/bench the same default, SYNCPLANE_JAVA_OPTS).
ENV JAVA_OPTS="-Xmx256m"

HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=6 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${SYNCPLANE_ADMIN_PORT:-8081}/healthcheck" || exit 1

# Migrations first (Liquibase, idempotent), then the server; exec so the JVM gets SIGTERM directly.
# The base image's ENTRYPOINT (/__cacert_entrypoint.sh) stays in place and runs this command.
CMD ["sh", "-c", "java $JAVA_OPTS -jar syncplane.jar db migrate config.yml && exec java $JAVA_OPTS -jar syncplane.jar server config.yml"]
