package io.warren.node.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.it.support.Inbox;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A durable auto-delete queue is replicated, so it outlives a crash of its node even with its
 * consumer attached, as RabbitMQ 3.10's does after a SIGKILL: the queue restarted with the node
 * and has had no consumer since. It still goes once a new consumer comes and goes.
 */
class AutoDeleteAfterCrashTest {
  private static final String QUEUE = "auto-delete.crash";

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aDurableAutoDeleteQueueOutlivesAKillNineWithItsConsumerAttached(@TempDir Path dir) throws Exception {
    NodeSpec spec = NodeSpec.loopback(dir.resolve("data"));
    try (NodeProcess node = NodeProcess.start(spec, NodeProcess.logFile("AutoDeleteAfterCrashTest", "before"));
        ClientConnection client = node.connect("consumer")) {
      Channel channel = client.createChannel();
      channel.confirmSelect();
      channel.queueDeclare(QUEUE, true, false, true, null);
      channel.basicPublish("", QUEUE, MessageProperties.PERSISTENT_TEXT_PLAIN, Inbox.bytes("kept"));
      channel.waitForConfirmsOrDie(60_000);
      Inbox held = Inbox.consume(channel, QUEUE, false);
      assertThat(held.nextBodies(1)).containsExactly("kept");
      node.kill();
    }

    try (NodeProcess node = NodeProcess.start(spec, NodeProcess.logFile("AutoDeleteAfterCrashTest", "after"));
        ClientConnection client = node.connect("after")) {
      Channel channel = client.createChannel();
      GetResponse back = channel.basicGet(QUEUE, true);
      assertThat(back).as("the queue and its unacked message after the crash").isNotNull();
      assertThat(Inbox.text(back)).isEqualTo("kept");
      assertThat(back.getEnvelope().isRedeliver()).isTrue();

      String tag = channel.basicConsume(QUEUE, true, (t, d) -> { }, t -> { });
      channel.basicCancel(tag);
      Channel probe = client.createChannel();
      assertThat(catchThrowable(() -> probe.queueDeclarePassive(QUEUE))).hasStackTraceContaining("NOT_FOUND");
    }
  }
}
