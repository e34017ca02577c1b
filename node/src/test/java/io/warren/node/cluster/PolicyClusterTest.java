package io.warren.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A policy set through one node of a three-node cluster: it reaches every node's topology and
 * every queue partition, so replicated queues (in partitions led by any node) and a queue that
 * lives on one node alone are trimmed to its length limit, and what that drops is dead-lettered
 * exactly once.
 */
class PolicyClusterTest {
  private static final int QUEUES = 6;

  @TempDir Path tmp;
  private InProcessCluster cluster;
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aPolicyTrimsQueuesOnEveryNodeAndDeadLettersOnce() throws Exception {
    cluster = new InProcessCluster(tmp, List.of("n1", "n2", "n3")).start();
    Channel setup = cluster.connect("n1").createChannel();
    setup.exchangeDeclare("dlx", "fanout", true);
    setup.queueDeclare("dlq", true, false, false, null);
    setup.queueBind("dlq", "dlx", "");
    setup.confirmSelect();
    for (int q = 0; q < QUEUES; q++) {
      setup.queueDeclare("limited." + q, true, false, false, null);
      publish(setup, "limited." + q);
    }
    Channel owner = cluster.connect("n3").createChannel();
    owner.confirmSelect();
    owner.queueDeclare("limited.exclusive", false, true, false, null);
    publish(owner, "limited.exclusive");

    assertThat(put("n2", "/api/policies/%2F/trim",
        "{\"pattern\":\"^limited\\\\.\",\"definition\":{\"max-length\":2,\"dead-letter-exchange\":\"dlx\"}}"))
        .isEqualTo(201);

    Channel checker = cluster.connect("n1").createChannel();
    for (int q = 0; q < QUEUES; q++) {
      String queue = "limited." + q;
      Waits.await().until(() -> checker.queueDeclarePassive(queue).getMessageCount() == 2);
    }
    Waits.await().until(() -> owner.queueDeclarePassive("limited.exclusive").getMessageCount() == 2);
    int expectedDead = (QUEUES + 1) * 3;
    Waits.await().until(() -> checker.queueDeclarePassive("dlq").getMessageCount() >= expectedDead);
    // Nothing more arrives: each node applied the policy, only one republished each dead letter.
    publish(setup, "limited.0"); // one more, dropped at the head: its dead letter follows the others
    Waits.await().until(() -> checker.queueDeclarePassive("dlq").getMessageCount() >= expectedDead + 5);
    assertThat(checker.queueDeclarePassive("dlq").getMessageCount()).isEqualTo(expectedDead + 5);
    assertThat(get("n3", "/api/policies/%2F/trim")).contains("\"max-length\":2");
  }

  /** Five persistent messages, confirmed. */
  private static void publish(Channel ch, String queue) throws Exception {
    for (int i = 0; i < 5; i++) {
      ch.basicPublish("", queue, MessageProperties.PERSISTENT_TEXT_PLAIN, Inbox.bytes(queue + "-" + i));
    }
    ch.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
  }

  private int put(String node, String path, String json) throws Exception {
    return http.send(request(node, path).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private String get(String node, String path) throws Exception {
    return http.send(request(node, path).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private HttpRequest.Builder request(String node, String path) {
    int port = cluster.node(node).managementAddress().getPort();
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization",
        "Basic " + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8)));
  }
}
