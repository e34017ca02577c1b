package io.warren.node;

import io.warren.node.amqp.AmqpServer;
import io.warren.node.config.WarrenConfig;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One broker process: owns every long-lived component and closes them in reverse order. */
public final class WarrenNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WarrenNode.class);

  private final WarrenConfig config;
  private AmqpServer amqp;

  public WarrenNode(WarrenConfig config) {
    this.config = config;
  }

  public void start() throws InterruptedException {
    amqp = new AmqpServer(config);
    amqp.start();
    log.info("Warren node {} started; AMQP on {}", config.get(WarrenConfig.NODE_ID), amqp.address());
  }

  /** The address the AMQP listener is bound to (useful when the configured port is 0). */
  public InetSocketAddress amqpAddress() {
    return amqp.address();
  }

  @Override
  public void close() {
    if (amqp != null) {
      amqp.close();
      amqp = null;
    }
  }
}
