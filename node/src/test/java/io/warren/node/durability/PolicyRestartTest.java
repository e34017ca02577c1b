package io.warren.node.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import io.warren.node.management.ManagementHttp;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policies are durable: after a restart of the node the policy is still listed and still in force
 * on the durable queue it matches (whose messages live in a queue partition, which keeps its own
 * copy of the policies), and clearing it then still restores the queue's own behaviour.
 */
class PolicyRestartTest {
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

  @Test
  void aPolicySurvivesARestartAndStaysInForce() throws Exception {
    Channel ch = node.connect().createChannel();
    ch.confirmSelect();
    ch.queueDeclare("limited", true, false, false, null);
    assertThat(call("PUT", "/api/policies/%2F/limit", "{\"pattern\":\"^limited$\",\"definition\":{\"max-length\":2}}"))
        .isEqualTo(201);
    publish(ch, "a", "b", "c");
    assertThat(ch.queueDeclarePassive("limited").getMessageCount()).isEqualTo(2);

    node.stop();
    node.start();

    assertThat(call("GET", "/api/policies/%2F/limit", null)).isEqualTo(200);
    Channel after = node.connect().createChannel();
    after.confirmSelect();
    publish(after, "d");
    assertThat(drain(after)).containsExactly("c", "d");

    assertThat(call("DELETE", "/api/policies/%2F/limit", null)).isEqualTo(204);
    publish(after, "e", "f", "g");
    assertThat(drain(after)).containsExactly("e", "f", "g");

    node.stop();
    node.start();
    assertThat(call("GET", "/api/policies/%2F/limit", null)).isEqualTo(404);
    Channel cleared = node.connect().createChannel();
    cleared.confirmSelect();
    publish(cleared, "h", "i", "j");
    assertThat(drain(cleared)).containsExactly("h", "i", "j");
  }

  private static void publish(Channel ch, String... bodies) throws Exception {
    for (String body : bodies) {
      ch.basicPublish("", "limited", MessageProperties.PERSISTENT_TEXT_PLAIN, Inbox.bytes(body));
    }
    ch.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
  }

  private static List<String> drain(Channel ch) throws Exception {
    List<String> bodies = new ArrayList<>();
    GetResponse r;
    while ((r = ch.basicGet("limited", true)) != null) {
      bodies.add(Inbox.text(r));
    }
    return bodies;
  }

  /** One management API call as guest; returns the status. */
  private int call(String method, String path, String json) {
    URI base = URI.create("http://127.0.0.1:" + node.managementAddress().getPort());
    return new ManagementHttp(base, "guest", "guest").send(method, path, json).status();
  }
}
