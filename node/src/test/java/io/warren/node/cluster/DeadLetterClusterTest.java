package io.warren.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dead letters of a replicated queue in a three-node cluster: every replica applies the death, but
 * only the node that submitted the command that killed the message republishes it, so each dead
 * letter arrives once, whether a client on another node rejected it or its TTL ran out (the
 * partition leader's ticks).
 */
class DeadLetterClusterTest {
  private static final int COUNT = 20;

  @TempDir Path tmp;
  private InProcessCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void eachDeadLetterIsRepublishedOnce() throws Exception {
    cluster = new InProcessCluster(tmp, List.of("n1", "n2", "n3")).start();
    Channel setup = cluster.connect("n1").createChannel();
    setup.exchangeDeclare("dlx", "fanout", true);
    setup.queueDeclare("dlq", true, false, false, null);
    setup.queueBind("dlq", "dlx", "");
    setup.queueDeclare("rejected", true, false, false, Map.of("x-dead-letter-exchange", "dlx"));
    setup.queueDeclare("expiring", true, false, false, Map.of("x-dead-letter-exchange", "dlx", "x-message-ttl", 200));

    Channel publisher = cluster.connect("n1").createChannel();
    publisher.confirmSelect();
    for (int i = 0; i < COUNT; i++) {
      publisher.basicPublish("", "rejected", MessageProperties.PERSISTENT_TEXT_PLAIN, Inbox.bytes("r" + i));
      publisher.basicPublish("", "expiring", MessageProperties.PERSISTENT_TEXT_PLAIN, Inbox.bytes("e" + i));
    }
    publisher.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());

    Channel rejecter = cluster.connect("n2").createChannel();
    for (int i = 0; i < COUNT; i++) {
      GetResponse r = Waits.await().until(() -> rejecter.basicGet("rejected", false), g -> g != null);
      rejecter.basicReject(r.getEnvelope().getDeliveryTag(), false);
    }

    Channel reader = cluster.connect("n3").createChannel();
    Waits.await().until(() -> reader.queueDeclarePassive("dlq").getMessageCount() == 2 * COUNT);
    // No copy from another replica follows.
    Waits.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
        .until(() -> reader.queueDeclarePassive("dlq").getMessageCount() == 2 * COUNT);
    List<String> bodies = new ArrayList<>();
    for (GetResponse r; (r = reader.basicGet("dlq", true)) != null; ) {
      bodies.add(Inbox.text(r));
    }
    List<String> expected = new ArrayList<>();
    IntStream.range(0, COUNT).forEach(i -> expected.add("r" + i));
    IntStream.range(0, COUNT).forEach(i -> expected.add("e" + i));
    assertThat(bodies).containsExactlyInAnyOrderElementsOf(expected);
  }
}
