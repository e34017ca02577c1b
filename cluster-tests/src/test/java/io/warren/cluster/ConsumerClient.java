package io.warren.cluster;

import com.rabbitmq.client.Channel;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A consumer with manual acks of several queues on one channel. When its connection fails it
 * connects to another serving node and consumes again, as a new session in the history.
 */
final class ConsumerClient implements Runnable, Workload.Client {
  private static final long WATCH_MILLIS = 50;

  private final String name;
  private final List<String> queues;
  private final int prefetch;
  private final int preference;
  private final NodeCluster cluster;
  private final History history;
  private final BooleanSupplier stopping;
  private final Reconnects reconnects;

  ConsumerClient(String name, List<String> queues, int prefetch, int preference, NodeCluster cluster,
      History history, BooleanSupplier stopping) {
    this.name = name;
    this.queues = List.copyOf(queues);
    this.prefetch = prefetch;
    this.preference = preference;
    this.cluster = cluster;
    this.history = history;
    this.stopping = stopping;
    this.reconnects = new Reconnects(name, cluster);
  }

  @Override
  public void run() {
    for (int session = 1; !stopping.getAsBoolean(); session++) {
      try (Connector.Connected c = Connector.connect(cluster, preference + session - 1, name + "." + session)) {
        reconnects.connected(c.node());
        Channel channel = c.connection().createChannel();
        CountDownLatch closed = new CountDownLatch(1);
        channel.addShutdownListener(cause -> closed.countDown());
        channel.basicQos(prefetch);
        for (String queue : queues) {
          RecordingConsumer.consume(channel, history, queue, name + "." + session + "@" + c.node(), true);
        }
        // Until the channel closes, or the test asks the workload to stop (checked between waits).
        boolean channelClosed = false;
        while (!channelClosed && !stopping.getAsBoolean()) {
          channelClosed = closed.await(WATCH_MILLIS, TimeUnit.MILLISECONDS);
        }
        if (!channel.isOpen()) {
          throw channel.getCloseReason();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        try {
          reconnects.failed(session, e);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public String node() {
    return reconnects.node();
  }

  @Override
  public List<Reconnects.SessionEnd> sessionEnds() {
    return reconnects.ends();
  }
}
