package io.warren.node.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.WarrenNode;
import io.warren.node.config.WarrenConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under a steady publish-and-consume load the Raft logs do not grow without bound: snapshots are
 * taken and the log is purged behind them, so the disk holds about what is in the queues plus a
 * few segments, however much has passed through.
 */
class LogBoundedTest {
  private static final int ROUNDS = 60;
  private static final int PER_ROUND = 1_000;
  private static final byte[] BODY = new byte[1024];

  @TempDir Path dataDir;

  @Test
  void raftLogsStayBoundedWhileTrafficFlowsThrough() throws Exception {
    WarrenNode node = new WarrenNode(WarrenConfig.defaults()
        .with(WarrenConfig.AMQP_BIND, "127.0.0.1")
        .with(WarrenConfig.AMQP_PORT, 0)
        .with(WarrenConfig.METRICS_PORT, 0)
        .with(WarrenConfig.MANAGEMENT_PORT, 0)
        .with(WarrenConfig.RAFT_PORT, 0)
        .with(WarrenConfig.RAFT_SNAPSHOT_THRESHOLD, 50L)
        .with(WarrenConfig.RAFT_SEGMENT_SIZE, 1024L * 1024)
        .with(WarrenConfig.DATA_DIR, dataDir));
    node.start();
    List<Long> sizes = new ArrayList<>();
    try {
      ConnectionFactory factory = new ConnectionFactory();
      factory.setPort(node.amqpAddress().getPort());
      try (Connection connection = factory.newConnection(); Channel ch = connection.createChannel()) {
        ch.queueDeclare("steady", true, false, false, null);
        Semaphore consumed = new Semaphore(0);
        Channel consumer = connection.createChannel();
        consumer.basicQos(200);
        consumer.basicConsume("steady", false, (tag, delivery) -> {
          consumer.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
          consumed.release();
        }, tag -> { });
        ch.confirmSelect();
        for (int round = 0; round < ROUNDS; round++) {
          for (int i = 0; i < PER_ROUND; i++) {
            ch.basicPublish("", "steady", MessageProperties.PERSISTENT_BASIC, BODY);
          }
          ch.waitForConfirmsOrDie(60_000);
          assertThat(consumed.tryAcquire(PER_ROUND, 60, TimeUnit.SECONDS)).as("round %d consumed", round).isTrue();
          sizes.add(size(dataDir.resolve("ratis")));
        }
        consumer.close();
        AMQP.Queue.DeclareOk ok = ch.queueDeclarePassive("steady");
        assertThat(ok.getMessageCount()).isZero();
      }
    } finally {
      node.close();
    }
    long throughput = (long) ROUNDS * PER_ROUND * BODY.length;
    long last = sizes.get(sizes.size() - 1);
    // 60 MB went through; a log that kept it all would be at least that big. What stays is a few
    // segments per group plus the snapshot, whose size swings with where the purge happens to be.
    assertThat(last).as("Raft log bytes after %d MB of traffic (sizes per round: %s)", throughput >> 20, sizes)
        .isLessThan(throughput / 4);
    // And it does not keep growing: the second half of the run ends no bigger than the peak of
    // the first half plus a segment per group.
    long firstHalfPeak = sizes.subList(0, ROUNDS / 2).stream().mapToLong(Long::longValue).max().orElseThrow();
    assertThat(last).as("sizes per round: %s", sizes).isLessThanOrEqualTo(firstHalfPeak + 3L * 1024 * 1024);
  }

  /** Bytes under {@code dir}; files purged during the walk make it start over. */
  private static long size(Path dir) {
    for (int attempt = 0; ; attempt++) {
      try {
        return sizeOnce(dir);
      } catch (UncheckedIOException e) {
        if (attempt == 10) {
          throw e;
        }
      }
    }
  }

  private static long sizeOnce(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          return 0; // purged while we looked
        }
      }).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
