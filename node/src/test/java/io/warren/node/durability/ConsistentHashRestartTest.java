package io.warren.node.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A durable x-consistent-hash exchange and its bindings survive a restart and route as before. */
class ConsistentHashRestartTest {
  @TempDir Path dataDir;
  private RestartableNode node;

  @BeforeEach
  void start() throws Exception {
    node = new RestartableNode(dataDir).start();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private static List<Integer> publishAndCount(Channel ch, List<String> queues) throws Exception {
    ch.confirmSelect();
    for (int i = 0; i < 200; i++) {
      ch.basicPublish("hash", "key-" + i, MessageProperties.PERSISTENT_TEXT_PLAIN, Inbox.bytes("m" + i));
    }
    ch.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
    List<Integer> counts = new ArrayList<>();
    for (String q : queues) {
      counts.add(ch.queueDeclarePassive(q).getMessageCount());
      ch.queuePurge(q);
    }
    return counts;
  }

  @Test
  void theExchangeAndItsWeightsComeBackAndRouteTheSameWay() throws Exception {
    List<String> queues = List.of("p1", "p2", "p3");
    Channel ch = node.connect().createChannel();
    ch.exchangeDeclare("hash", "x-consistent-hash", true);
    for (int i = 0; i < queues.size(); i++) {
      ch.queueDeclare(queues.get(i), true, false, false, null);
      ch.queueBind(queues.get(i), "hash", String.valueOf(i + 1));
    }
    List<Integer> before = publishAndCount(ch, queues);
    assertThat(before.stream().mapToInt(Integer::intValue).sum()).isEqualTo(200);

    node.stop();
    node.start();

    Channel after = node.connect().createChannel();
    after.exchangeDeclarePassive("hash");
    assertThat(publishAndCount(after, queues)).isEqualTo(before);
  }
}
