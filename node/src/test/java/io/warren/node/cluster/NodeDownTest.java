package io.warren.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.durability.ClientConnection;
import io.warren.node.durability.NodeProcess;
import io.warren.node.durability.NodeSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the node a consumer is connected to, and the node stays down: once the cluster
 * declares it down, what that consumer held goes to a consumer on another node, marked
 * redelivered, without the dead node ever coming back.
 */
class NodeDownTest {
  private static final int HELD = 10;

  @TempDir Path tmp;

  @Test
  void whatAConsumerOnADeadNodeHeldGoesToAConsumerElsewhere() throws Exception {
    List<String> ids = List.of("n1", "n2", "n3");
    Map<String, Integer> raftPorts = new LinkedHashMap<>();
    ids.forEach(id -> raftPorts.put(id, NodeSpec.freeLoopbackPort()));
    String peers = String.join(",", ids.stream().map(id -> id + "=127.0.0.1:" + raftPorts.get(id)).toList());
    Map<String, NodeProcess> nodes = new LinkedHashMap<>();
    try {
      for (String id : ids) {
        NodeSpec spec = NodeSpec.loopback(tmp.resolve(id))
            .withEnv("WARREN_NODE_ID", id)
            .withEnv("WARREN_CLUSTER_PEERS", peers)
            // Short, so the test does not wait long; but a survivor closes its clients once out of
            // touch for half of it (MinorityFence), and when the killed node led the metadata group
            // the survivors hear from no leader until they elect one (an election timeout, 1-2 s,
            // and a round): at 2 s the client on n1 was closed that way in one CI run.
            .withEnv("WARREN_CLUSTER_NODE_DOWN_AFTER", "6");
        nodes.put(id, NodeProcess.launch(spec, NodeProcess.logFile("NodeDownTest", id)));
      }
      nodes.values().forEach(NodeProcess::awaitStarted);

      try (ClientConnection on1 = nodes.get("n1").connect("publisher-and-survivor");
          ClientConnection on3 = nodes.get("n3").connect("doomed-consumer")) {
        Channel publisher = on1.connection().createChannel();
        publisher.queueDeclare("work", true, false, false, null);
        publisher.confirmSelect();
        for (int i = 0; i < HELD; i++) {
          publisher.basicPublish("", "work", MessageProperties.PERSISTENT_TEXT_PLAIN,
              Integer.toString(i).getBytes(StandardCharsets.UTF_8));
        }
        publisher.waitForConfirmsOrDie(60_000);

        // The consumer on n3 takes every message and acks none.
        Channel doomed = on3.connection().createChannel();
        doomed.basicQos(HELD);
        LinkedBlockingQueue<Delivery> held = new LinkedBlockingQueue<>();
        doomed.basicConsume("work", false, (tag, d) -> held.add(d), tag -> { });
        for (int i = 0; i < HELD; i++) {
          assertThat(held.poll(60, TimeUnit.SECONDS)).as("delivery %d to the consumer on n3", i).isNotNull();
        }
        // An auto-delete queue declared through n1 whose only consumer is on n3: it goes with that
        // consumer, as in RabbitMQ when a consumer's channel dies.
        publisher.queueDeclare("scratch", false, false, true, null);
        doomed.basicConsume("scratch", true, (tag, d) -> { }, tag -> { });

        nodes.get("n3").kill();

        Channel survivor = on1.connection().createChannel();
        LinkedBlockingQueue<Delivery> redelivered = new LinkedBlockingQueue<>();
        survivor.basicConsume("work", false, (tag, d) -> {
          redelivered.add(d);
          survivor.basicAck(d.getEnvelope().getDeliveryTag(), false);
        }, tag -> { });
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < HELD; i++) {
          Delivery d = redelivered.poll(Duration.ofSeconds(120).toMillis(), TimeUnit.MILLISECONDS);
          assertThat(d).as("redelivery %d on n1 after n3 died", i).isNotNull();
          assertThat(d.getEnvelope().isRedeliver()).isTrue();
          bodies.add(new String(d.getBody(), StandardCharsets.UTF_8));
        }
        assertThat(bodies).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        Awaitility.await("the auto-delete queue gone with its consumer's node").atMost(Duration.ofSeconds(120))
            .until(() -> !QueueProbe.exists(on1.connection(), "scratch"));
      }
    } finally {
      nodes.values().forEach(NodeProcess::close);
    }
  }
}
