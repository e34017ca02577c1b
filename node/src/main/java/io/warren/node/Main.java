package io.warren.node;

import io.warren.node.config.ConfigException;
import io.warren.node.config.WarrenConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Starts one Warren node: {@code java -jar warren-node.jar [--config FILE]}. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  /** Exit code for a configuration the node cannot start with. */
  static final int EXIT_BAD_CONFIG = 78;
  /** Exit code for any other failure to start (port in use, unusable data directory). */
  static final int EXIT_START_FAILED = 70;

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();

    WarrenConfig config;
    try {
      config = WarrenConfig.load(configFile(args), System.getenv());
    } catch (ConfigException e) {
      log.error("Configuration error: {}", e.getMessage());
      System.exit(EXIT_BAD_CONFIG);
      return;
    }

    WarrenNode node = new WarrenNode(config);
    // The hook goes in before start, so a SIGTERM that arrives while the node is starting still
    // stops it cleanly (close() is safe to call on a half-started node and more than once).
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("Stopping Warren node {}", config.get(WarrenConfig.NODE_ID));
      node.close();
      stopped.countDown();
    }, "warren-shutdown"));
    try {
      node.start();
    } catch (Exception e) {
      log.error("Warren node failed to start: {}", e.getMessage(), e);
      System.exit(EXIT_START_FAILED);
      return;
    }
    stopped.await();
  }

  private static Path configFile(String[] args) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--config")) {
        return Path.of(args[i + 1]);
      }
    }
    String fromEnv = System.getenv(WarrenConfig.CONFIG_FILE_VARIABLE);
    return fromEnv == null || fromEnv.isBlank() ? null : Path.of(fromEnv);
  }
}
