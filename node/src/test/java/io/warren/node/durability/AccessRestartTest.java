package io.warren.node.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.model.PasswordHash;
import io.warren.node.it.support.Closure;
import io.warren.node.management.ManagementHttp;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users, permissions and vhost deletions are metadata: replicated and stored, so a restarted node
 * has them all; the default user is created on the first start only, not again when the store
 * has users (here: the default user with a changed password).
 */
class AccessRestartTest {
  private static final ObjectMapper JSON = new ObjectMapper();

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
  void usersPermissionsAndDeletedVhostsSurviveARestart() throws Exception {
    assertThat(api("PUT", "/api/users/alice", Map.of("password", "pw", "tags", "management"), "guest:guest"))
        .isEqualTo(201);
    assertThat(api("PUT", "/api/permissions/%2F/alice", Map.of("configure", "^a-", "write", ".*", "read", ".*"),
        "guest:guest")).isEqualTo(201);
    assertThat(api("PUT", "/api/topic-permissions/%2F/alice",
        Map.of("exchange", "amq.topic", "write", "^a\\.", "read", ".*"), "guest:guest")).isEqualTo(201);
    assertThat(api("PUT", "/api/users/guest", Map.of("password", "changed", "tags", "administrator"), "guest:guest"))
        .isEqualTo(204);
    assertThat(api("PUT", "/api/vhosts/gone", null, "guest:changed")).isEqualTo(201);
    Channel inGone = connect("guest", "changed", "gone").createChannel();
    inGone.queueDeclare("durable-in-gone", true, false, false, null);
    assertThat(api("DELETE", "/api/vhosts/gone", null, "guest:changed")).isEqualTo(204);

    node.stop();
    node.start();

    assertThatThrownBy(() -> connect("guest", "guest", "/")).isInstanceOf(AuthenticationFailureException.class);
    connect("guest", "changed", "/").close();
    Channel ch = connect("alice", "pw", "/").createChannel();
    ch.queueDeclare("a-q", false, false, true, null);
    assertThat(Closure.of(() -> ch.queueDeclare("b-q", false, false, true, null)))
        .isEqualTo(Closure.channel(403, "ACCESS_REFUSED - access to queue 'b-q' in vhost '/' refused for user 'alice'"));
    Channel topic = connect("alice", "pw", "/").createChannel();
    topic.basicPublish("amq.topic", "b.x", null, new byte[0]);
    assertThat(Closure.awaitClose(topic).code()).isEqualTo(403);

    JsonNode alice = JSON.readTree(get("/api/users/alice"));
    assertThat(alice.path("tags").get(0).asText()).isEqualTo("management");
    // A salted hash of "pw" in RabbitMQ's format, not the password (a random hash may well contain
    // the two letters "pw", so that is not what is checked).
    String hash = alice.path("password_hash").asText();
    assertThat(PasswordHash.isValid(hash)).as(hash).isTrue();
    assertThat(PasswordHash.matches(hash, "pw")).as(hash).isTrue();
    assertThat(api("GET", "/api/vhosts/gone", null, "guest:changed")).isEqualTo(404);
  }

  @Test
  void noClearPasswordIsStored() throws Exception {
    assertThat(api("PUT", "/api/users/bob", Map.of("password", "s3cr3t-Passw0rd", "tags", ""), "guest:guest"))
        .isEqualTo(201);
    node.stop();
    byte[] needle = "s3cr3t-Passw0rd".getBytes(StandardCharsets.UTF_8);
    try (var files = Files.walk(dataDir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(indexOf(Files.readAllBytes(f), needle)).as(f.toString()).isEqualTo(-1);
      }
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private Connection connect(String user, String password, String vhost) throws Exception {
    return node.connect(user, password, vhost);
  }

  private String get(String path) {
    return send("GET", path, null, "guest:changed").body();
  }

  private int api(String method, String path, Object body, String login) {
    return send(method, path, body, login).status();
  }

  private ManagementHttp.Response send(String method, String path, Object body, String login) {
    String[] userAndPassword = login.split(":", 2);
    URI base = URI.create("http://127.0.0.1:" + node.managementAddress().getPort());
    return new ManagementHttp(base, userAndPassword[0], userAndPassword[1]).send(method, path, body);
  }
}
