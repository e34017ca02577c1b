package io.warren.cluster;

import com.github.dockerjava.api.exception.NotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The images the container tests run. By default nothing is pulled (no registry is assumed): the
 * node's image is built once per test JVM from {@code deploy/Dockerfile} and the jar of this
 * build, on a base image that must exist locally ({@code deploy/build-images.sh} builds it, and
 * Prometheus's).
 * A developer with a registry may name public images instead:
 * {@code -Dwarren.test.base-image=eclipse-temurin:17-jre -Dwarren.test.prometheus-image=prom/prometheus}.
 */
final class ContainerImages {
  static final String BASE_IMAGE_PROPERTY = "warren.test.base-image";
  static final String PROMETHEUS_IMAGE_PROPERTY = "warren.test.prometheus-image";
  /** Set by the POM: the repository's root, where deploy/ and node/target are. */
  static final String REPOSITORY_PROPERTY = "warren.repository";
  private static final String NODE_IMAGE = "warren-test-node:latest";

  private static String nodeImage;

  private ContainerImages() {}

  /** The repository's root (the POM says where; from a module's directory it is the parent). */
  static Path repository() {
    return Path.of(System.getProperty(REPOSITORY_PROPERTY, "..")).toAbsolutePath().normalize();
  }

  /**
   * The node image of this build; built on first use. The build context is made of the files the
   * Dockerfile copies, and names the Dockerfile by its path in it: {@code withDockerfile(Path)}, which
   * replaces the deprecated {@code withDockerfilePath}, would also try to pull the {@code FROM}
   * image, and this one is local and named by a build argument.
   */
  @SuppressWarnings("deprecation")
  static synchronized String node() {
    if (nodeImage == null) {
      Path repository = repository();
      Path target = repository.resolve("node/target");
      if (!Files.isRegularFile(target.resolve("warren-node.jar")) || !Files.isDirectory(target.resolve("lib"))) {
        throw new IllegalStateException("no node jar in " + target + ": build it first (mvn -B -DskipTests package)");
      }
      String base = image(BASE_IMAGE_PROPERTY, "warren-base-jre:bookworm");
      long started = System.nanoTime();
      // Only what the Dockerfile copies, at the paths it names relative to the repository's root.
      nodeImage = new ImageFromDockerfile(NODE_IMAGE, false)
          .withFileFromPath("deploy/Dockerfile", repository.resolve("deploy/Dockerfile"))
          .withFileFromPath("deploy/jvm.options", repository.resolve("deploy/jvm.options"))
          .withFileFromPath("node/target/warren-node.jar", target.resolve("warren-node.jar"))
          .withFileFromPath("node/target/lib", target.resolve("lib"))
          .withDockerfilePath("deploy/Dockerfile")
          .withBuildArg("BASE_IMAGE", base)
          // Labelled so that .ci/run can remove the images that later builds left untagged.
          .withBuildImageCmdModifier(cmd -> cmd.withLabels(Map.of(ContainerCluster.LABEL, "node-image")))
          .get();
      System.out.printf("container images: built %s on %s in %d ms%n", nodeImage, base,
          (System.nanoTime() - started) / 1_000_000);
    }
    return nodeImage;
  }

  /** The Prometheus image, which must exist locally. */
  static String prometheus() {
    return image(PROMETHEUS_IMAGE_PROPERTY, "warren-prometheus:bookworm");
  }

  /** The image the property names (the engine pulls it if it must), or else the local default. */
  private static String image(String property, String localDefault) {
    String named = System.getProperty(property);
    if (named != null && !named.isBlank()) {
      return named;
    }
    try {
      DockerClientFactory.instance().client().inspectImageCmd(localDefault).exec();
      return localDefault;
    } catch (NotFoundException e) {
      throw new IllegalStateException("image " + localDefault + " is not on this Docker engine: build it with "
          + "deploy/build-images.sh, or name an image your registry has with -D" + property + "=...", e);
    }
  }
}
