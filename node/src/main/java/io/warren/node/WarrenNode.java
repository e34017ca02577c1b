package io.warren.node;

import io.warren.model.Broker;
import io.warren.node.amqp.AmqpServer;
import io.warren.node.broker.CommandLog;
import io.warren.node.broker.LocalCommandLog;
import io.warren.node.broker.MemoryAlarm;
import io.warren.node.config.WarrenConfig;
import io.warren.node.metrics.BrokerSnapshot;
import io.warren.node.metrics.MetricsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One broker process: owns every long-lived component and closes them in reverse order. */
public final class WarrenNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WarrenNode.class);

  private final WarrenConfig config;
  private CommandLog commandLog;
  private AmqpServer amqp;
  private MemoryAlarm memoryAlarm;
  private MetricsServer metrics;

  public WarrenNode(WarrenConfig config) {
    this.config = config;
  }

  public synchronized void start() throws InterruptedException {
    LocalCommandLog localLog = new LocalCommandLog(new Broker());
    commandLog = localLog;
    memoryAlarm = MemoryAlarm.forHeap(config.get(WarrenConfig.MEMORY_HIGH_WATERMARK));
    amqp = new AmqpServer(config, commandLog, memoryAlarm);
    amqp.start();
    metrics = new MetricsServer(
        new InetSocketAddress(config.get(WarrenConfig.AMQP_BIND), config.get(WarrenConfig.METRICS_PORT)),
        () -> localLog.inspect(BrokerSnapshot::of));
    try {
      metrics.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for metrics on port "
          + config.get(WarrenConfig.METRICS_PORT), e);
    }
    log.info("Warren node {} started; AMQP on {}, metrics on {}", config.get(WarrenConfig.NODE_ID),
        amqp.address(), metrics.address());
  }

  /** The address the AMQP listener is bound to (useful when the configured port is 0). */
  public InetSocketAddress amqpAddress() {
    return amqp.address();
  }

  /** The address the Prometheus listener ({@code GET /metrics}) is bound to. */
  public InetSocketAddress metricsAddress() {
    return metrics.address();
  }

  /**
   * Moves the memory high watermark (fraction of the maximum heap) at run time, like
   * {@code rabbitmqctl set_vm_memory_high_watermark}; publishers are blocked while use is above it.
   */
  public void setMemoryHighWatermark(double fraction) {
    memoryAlarm.setWatermark(fraction);
  }

  @Override
  public synchronized void close() {
    if (metrics != null) {
      metrics.close();
      metrics = null;
    }
    if (amqp != null) {
      amqp.close();
      amqp = null;
    }
    if (commandLog != null) {
      commandLog.close();
      commandLog = null;
    }
  }
}
