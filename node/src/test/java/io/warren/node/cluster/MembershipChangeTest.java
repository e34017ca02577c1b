package io.warren.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.ctl.WarrenCtl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online membership change, as an operator does it: a fourth node joins a running three-node
 * cluster once admitted through the management API ({@code warrenctl add_member}), serves the
 * queues that were there before it, survives a restart, and a member is removed
 * ({@code warrenctl remove_member}) so that the cluster's majority is counted without it.
 */
class MembershipChangeTest {
  private static final Duration PATIENCE = Duration.ofMinutes(2);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path tmp;
  private InProcessCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aNodeJoinsOnlineAndAMemberIsRemoved() throws Exception {
    cluster = new InProcessCluster(tmp, List.of("n1", "n2", "n3")).start();
    Channel on1 = cluster.connect("n1").createChannel();
    on1.queueDeclare("before", true, false, false, null);
    publishConfirmed(on1, "before", 0, 100);

    // A node started to join waits until an operator admits it.
    CompletableFuture<Void> joining = cluster.join("n4");
    assertThat(warrenctl("n1", "add_member", "n4", "--wait", "300")).isEqualTo(0);
    joining.get(300, TimeUnit.SECONDS);

    for (String node : List.of("n1", "n4")) {
      assertThat(cluster.node(node).groupMembers()).allSatisfy((group, members) ->
          assertThat(members).as(group + " on " + node).containsExactly("n1", "n2", "n3", "n4"));
    }
    // It takes its share of the partitions' leadership.
    Awaitility.await().atMost(PATIENCE).until(() -> cluster.node("n1").leaders().values().stream()
        .filter(l -> l.equals(java.util.Optional.of("n4"))).count() >= 1);
    JsonNode listed = JSON.readTree(request("GET", "n2", "").body());
    assertThat(listed).hasSize(4);
    assertThat(listed.get(3).get("name").asText()).isEqualTo("n4");
    assertThat(listed.get(3).get("index").asInt()).isEqualTo(3);
    assertThat(listed.get(3).get("state").asText()).isEqualTo("member");

    // The new node serves the queue that was there before it joined, and takes new publishes.
    Channel on4 = cluster.connect("n4").createChannel();
    assertThat(drain(on4, "before")).isEqualTo(range(0, 100));
    on4.queueDeclare("after", true, false, false, null);
    publishConfirmed(on4, "after", 0, 50);
    assertThat(drain(cluster.connect("n2").createChannel(), "after")).isEqualTo(range(0, 50));

    // After a restart it is still a member, with the same place.
    cluster.stop("n4");
    publishConfirmed(on1, "after", 50, 60);
    cluster.restart("n4", true);
    assertThat(drain(cluster.connect("n4").createChannel(), "after")).isEqualTo(range(50, 60));

    // Removing n2: its clients are closed and it takes no new ones; the groups go on without it.
    Connection clientOfN2 = cluster.connect("n2");
    assertThat(warrenctl("n1", "remove_member", "n2")).isEqualTo(0);
    for (String node : List.of("n1", "n3", "n4")) {
      Awaitility.await().atMost(PATIENCE).untilAsserted(() ->
          assertThat(cluster.node(node).groupMembers()).allSatisfy((group, members) ->
              assertThat(members).as(group + " on " + node).containsExactly("n1", "n3", "n4")));
    }
    Awaitility.await().atMost(PATIENCE).until(() -> !clientOfN2.isOpen());
    // The remaining members share the leadership again, each leading some of the partitions.
    Awaitility.await().atMost(PATIENCE).untilAsserted(() -> assertThat(cluster.node("n1").leaders().values())
        .contains(java.util.Optional.of("n1"), java.util.Optional.of("n3"), java.util.Optional.of("n4")));
    assertThatThrownBy(() -> cluster.connect("n2")).isInstanceOf(Exception.class);
    cluster.stop("n2");

    // With n3 stopped too, n1 and n4 are two of the three members left: still a majority.
    cluster.stop("n3");
    Channel stillOn1 = cluster.connect("n1").createChannel();
    publishConfirmed(stillOn1, "after", 60, 80);
    assertThat(drain(cluster.connect("n4").createChannel(), "after")).isEqualTo(range(60, 80));
  }

  @Test
  void membershipRequestsAreCheckedLikeOtherApiCalls() throws Exception {
    cluster = new InProcessCluster(tmp, List.of("n1", "n2", "n3")).start();
    assertThat(request("DELETE", "n1", "nobody").statusCode()).isEqualTo(404);
    assertThat(request("DELETE", "n1", "n1").statusCode()).isEqualTo(400);
    assertThat(request("PUT", "n1", "bad%20name").statusCode()).isEqualTo(400);
    assertThat(request("PUT", "n1", "n9").statusCode()).isEqualTo(201);
    assertThat(request("PUT", "n1", "n9").statusCode()).isEqualTo(204);
    JsonNode listed = JSON.readTree(request("GET", "n3", "").body());
    assertThat(listed.get(3).get("name").asText()).isEqualTo("n9");
    assertThat(listed.get(3).get("state").asText()).isEqualTo("admitted");
    // An admission is withdrawn like a removal.
    assertThat(request("DELETE", "n1", "n9").statusCode()).isEqualTo(204);
    assertThat(JSON.readTree(request("GET", "n1", "").body())).hasSize(3);
    // Only administrators change or read membership.
    assertThat(send("PUT", "n1", "/api/users/watcher", "{\"password\":\"pw\",\"tags\":\"monitoring\"}", "guest:guest")
        .statusCode()).isEqualTo(201);
    assertThat(send("PUT", "n1", "/api/cluster/members/n9", null, "watcher:pw").statusCode()).isEqualTo(401);
    assertThat(send("GET", "n1", "/api/cluster/members", null, "watcher:pw").statusCode()).isEqualTo(401);
  }

  private int warrenctl(String via, String... command) {
    List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1",
        "--port", Integer.toString(cluster.node(via).managementAddress().getPort())));
    args.addAll(List.of(command));
    StringWriter out = new StringWriter();
    int code = WarrenCtl.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(out));
    System.out.println("warrenctl " + String.join(" ", command) + " -> " + code + "\n" + out);
    return code;
  }

  private HttpResponse<String> request(String method, String via, String node) throws Exception {
    return send(method, via, "/api/cluster/members" + (node.isEmpty() ? "" : "/" + node), null, "guest:guest");
  }

  private HttpResponse<String> send(String method, String via, String path, String json, String credentials)
      throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + cluster.node(via).managementAddress().getPort() + path);
    HttpRequest request = HttpRequest.newBuilder(uri)
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
        .header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
        .timeout(Duration.ofMinutes(3))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static void publishConfirmed(Channel channel, String queue, int from, int to) throws Exception {
    channel.confirmSelect();
    for (int i = from; i < to; i++) {
      channel.basicPublish("", queue, MessageProperties.PERSISTENT_TEXT_PLAIN, Integer.toString(i).getBytes(StandardCharsets.UTF_8));
    }
    channel.waitForConfirmsOrDie(PATIENCE.toMillis());
  }

  private static List<Integer> drain(Channel channel, String queue) throws Exception {
    List<Integer> got = new ArrayList<>();
    GetResponse r;
    while ((r = channel.basicGet(queue, true)) != null) {
      got.add(Integer.parseInt(new String(r.getBody(), StandardCharsets.UTF_8)));
    }
    return got;
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.range(from, to).boxed().toList();
  }
}
