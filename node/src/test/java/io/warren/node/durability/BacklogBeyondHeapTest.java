package io.warren.node.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.MessageProperties;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A durable queue whose backlog of persistent messages is several times the node's heap: the
 * bodies must live in the store, not on the heap, so the node neither dies nor loses or garbles a
 * message, and hands every one back in order.
 */
class BacklogBeyondHeapTest {
  private static final String QUEUE = "durability.backlog";
  private static final int HEAP_MIB = 96;
  private static final int BODY_BYTES = 64 * 1024;
  /** Four times the heap in bodies alone: 6144 messages of 64 KiB = 384 MiB. */
  private static final int MESSAGES = 4 * HEAP_MIB * (1024 * 1024 / BODY_BYTES);
  /** Unconfirmed messages at a time: 4 MiB, so the test JVM never holds the backlog either. */
  private static final int CONFIRM_WINDOW = 64;
  private static final int PREFETCH = 32;
  /** Bounds only against hanging: publishing or consuming that makes no progress this long has stopped. */
  private static final Duration STALL_PATIENCE = Duration.ofSeconds(60);

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void backlogOfFourHeapsIsKeptAndDeliveredIntact(@TempDir Path dir) throws Exception {
    // ExitOnOutOfMemoryError: an OOM in any thread of the node ends it, so it cannot go unnoticed.
    NodeSpec spec = NodeSpec.loopback(dir.resolve("data"))
        .withJvmOptions("-Xmx" + HEAP_MIB + "m", "-XX:+ExitOnOutOfMemoryError");
    try (NodeProcess node = NodeProcess.start(spec, NodeProcess.logFile("BacklogBeyondHeapTest", "node"));
        ClientConnection connection = node.connect("backlog")) {
      Channel publisher = connection.createChannel();
      publisher.queueDeclare(QUEUE, true, false, false, null);
      publish(publisher);
      assertNodeHealthy(node, "after publishing");
      assertThat(publisher.queueDeclarePassive(QUEUE).getMessageCount()).as("backlog").isEqualTo(MESSAGES);

      consumeAndVerify(connection.createChannel());
      assertThat(publisher.queueDeclarePassive(QUEUE).getMessageCount()).as("backlog after consuming").isZero();
      assertNodeHealthy(node, "after consuming");
    }
  }

  private static void publish(Channel channel) throws Exception {
    ConfirmTracker tracker = ConfirmTracker.on(channel, CONFIRM_WINDOW, STALL_PATIENCE);
    for (int index = 0; index < MESSAGES; index++) {
      tracker.publish(index, "", QUEUE, MessageProperties.PERSISTENT_BASIC, body(index));
    }
    tracker.awaitSettled(STALL_PATIENCE);
    assertThat(tracker.nacked()).as("nacked messages").isEmpty();
    assertThat(tracker.confirmed().size()).as("confirmed messages").isEqualTo(MESSAGES);
  }

  /** Consumes with manual acks; every body must be the next index with its checksum intact. */
  private static void consumeAndVerify(Channel channel) throws Exception {
    // Acked only once verified, so the prefetch bounds what the test holds to a few MiB of bodies.
    BlockingQueue<Delivery> deliveries = new ArrayBlockingQueue<>(PREFETCH);
    channel.basicQos(PREFETCH);
    channel.basicConsume(QUEUE, false, (tag, delivery) -> deliveries.add(delivery), tag -> { });
    for (int expected = 0; expected < MESSAGES; expected++) {
      Delivery delivery = deliveries.poll(STALL_PATIENCE.toSeconds(), TimeUnit.SECONDS);
      assertThat(delivery).as("delivery of message %d of %d", expected, MESSAGES).isNotNull();
      byte[] body = delivery.getBody();
      assertThat(body.length).as("length of message %d", expected).isEqualTo(BODY_BYTES);
      ByteBuffer buffer = ByteBuffer.wrap(body);
      assertThat(buffer.getInt(0)).as("index of delivery %d", expected).isEqualTo(expected);
      assertThat(buffer.getLong(BODY_BYTES - Long.BYTES)).as("checksum of message %d", expected)
          .isEqualTo(checksum(body));
      channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
    }
  }

  private static void assertNodeHealthy(NodeProcess node, String when) {
    assertThat(node.isAlive()).as("node alive %s; its log %s", when, node.logFile()).isTrue();
    assertThat(node.log()).as("node log %s", when).doesNotContain("OutOfMemoryError");
  }

  /** Index, random bytes seeded by the index (incompressible, like real payloads), CRC32 of both. */
  private static byte[] body(int index) {
    byte[] body = new byte[BODY_BYTES];
    new SplittableRandom(index).nextBytes(body);
    ByteBuffer.wrap(body).putInt(0, index).putLong(BODY_BYTES - Long.BYTES, checksum(body));
    return body;
  }

  /** CRC32 of everything before the trailing checksum. */
  private static long checksum(byte[] body) {
    CRC32 crc = new CRC32();
    crc.update(body, 0, BODY_BYTES - Long.BYTES);
    return crc.getValue();
  }
}
