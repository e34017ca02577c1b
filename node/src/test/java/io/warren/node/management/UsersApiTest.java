package io.warren.node.management;

import static io.warren.node.management.ManagementHttp.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.model.PasswordHash;
import io.warren.node.it.support.Broker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /api/users}, {@code /api/permissions}, {@code /api/topic-permissions}, {@code /api/whoami}
 * and what user tags allow, with RabbitMQ's codes and bodies (this test passes against RabbitMQ
 * 3.10's management plugin too: {@link ManagementHttp}).
 */
class UsersApiTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  private static final String ROOT = "%2F";

  private ManagementHttp api;
  private final List<String> users = new ArrayList<>();

  @BeforeEach
  void client() {
    api = ManagementHttp.of(broker);
  }

  @AfterEach
  void cleanUp() {
    users.forEach(u -> api.delete("/api/users/" + enc(u)));
  }

  private String newName() {
    String name = "api-" + UUID.randomUUID().toString().substring(0, 8);
    users.add(name);
    return name;
  }

  private String user(String tags) {
    String name = newName();
    assertThat(api.put("/api/users/" + enc(name), Map.of("password", "pw", "tags", tags)).status()).isEqualTo(201);
    return name;
  }

  @Test
  void usersAreCreatedChangedListedAndDeleted() {
    String name = newName();
    String path = "/api/users/" + enc(name);
    assertThat(api.put(path, Map.of("password", "pw", "tags", "management,monitoring")).status()).isEqualTo(201);
    JsonNode u = api.get(path).json();
    assertThat(u.path("name").asText()).isEqualTo(name);
    assertThat(u.path("tags").toString()).isEqualTo("[\"management\",\"monitoring\"]");
    assertThat(u.path("hashing_algorithm").asText()).isEqualTo("rabbit_password_hashing_sha256");
    String firstHash = u.path("password_hash").asText();
    assertThat(api.get("/api/users").json().findValuesAsText("name")).contains(name);

    // The new password is the one that logs in; the hash changes.
    assertThat(api.put(path, Map.of("password", "pw2", "tags", "management")).status()).isEqualTo(204);
    assertThat(api.as(name, "pw").get("/api/whoami").status()).isEqualTo(401);
    JsonNode me = api.as(name, "pw2").get("/api/whoami").json();
    assertThat(me.path("name").asText()).isEqualTo(name);
    assertThat(me.path("tags").toString()).isEqualTo("[\"management\"]");
    assertThat(api.get(path).json().path("password_hash").asText()).isNotEqualTo(firstHash);

    // A hash taken from one user logs the other in with the same password.
    String copy = newName();
    String hash = api.get(path).json().path("password_hash").asText();
    assertThat(api.put("/api/users/" + enc(copy), Map.of("password_hash", hash, "tags", "management")).status())
        .isEqualTo(201);
    assertThat(api.as(copy, "pw2").get("/api/whoami").status()).isEqualTo(200);

    assertThat(api.delete(path).status()).isEqualTo(204);
    assertThat(api.get(path).status()).isEqualTo(404);
    assertThat(api.delete(path).status()).isEqualTo(404);
  }

  @Test
  void permissionsAreSetListedAndCleared() {
    String name = user("");
    String path = "/api/permissions/" + ROOT + "/" + enc(name);
    assertThat(api.get(path).status()).isEqualTo(404);
    assertThat(api.put(path, Map.of("configure", "^c", "write", "^w", "read", "^r")).status()).isEqualTo(201);
    assertThat(api.put(path, Map.of("configure", "^c", "write", "^w", "read", "^r")).status()).isEqualTo(204);
    JsonNode p = api.get(path).json();
    assertThat(p.path("user").asText()).isEqualTo(name);
    assertThat(p.path("vhost").asText()).isEqualTo("/");
    assertThat(p.path("configure").asText()).isEqualTo("^c");
    assertThat(p.path("write").asText()).isEqualTo("^w");
    assertThat(p.path("read").asText()).isEqualTo("^r");
    assertThat(api.get("/api/permissions").json().findValuesAsText("user")).contains(name);
    assertThat(api.get("/api/users/" + enc(name) + "/permissions").json().size()).isEqualTo(1);
    assertThat(api.get("/api/vhosts/" + ROOT + "/permissions").json().findValuesAsText("user")).contains(name);

    ManagementHttp.Response missing = api.put(path, Map.of("write", ".*"));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().path("reason").asText()).isEqualTo("[{key_missing,configure},{key_missing,read}]");
    ManagementHttp.Response noVhost = api.put("/api/permissions/no-such-vhost/" + enc(name),
        Map.of("configure", "", "write", "", "read", ""));
    assertThat(noVhost.status()).isEqualTo(400);
    assertThat(noVhost.json().path("reason").asText()).isEqualTo("vhost_or_user_not_found");
    assertThat(api.put("/api/permissions/" + ROOT + "/no-such-user", Map.of("configure", "", "write", "", "read", ""))
        .status()).isEqualTo(400);
    assertThat(api.put(path, Map.of("configure", "(", "write", "", "read", "")).status()).isEqualTo(400);

    assertThat(api.delete(path).status()).isEqualTo(204);
    assertThat(api.get(path).status()).isEqualTo(404);
    assertThat(api.delete(path).status()).isEqualTo(404);
    assertThat(api.get("/api/users/without-permissions").json().findValuesAsText("name")).contains(name);
  }

  @Test
  void topicPermissionsAreSetListedAndCleared() {
    String name = user("");
    String path = "/api/topic-permissions/" + ROOT + "/" + enc(name);
    assertThat(api.get(path).status()).isEqualTo(404);
    assertThat(api.put(path, Map.of("exchange", "amq.topic", "write", "^a", "read", "^b")).status()).isEqualTo(201);
    JsonNode list = api.get(path).json();
    assertThat(list.size()).isEqualTo(1);
    assertThat(list.get(0).path("exchange").asText()).isEqualTo("amq.topic");
    assertThat(list.get(0).path("write").asText()).isEqualTo("^a");
    assertThat(list.get(0).path("read").asText()).isEqualTo("^b");
    assertThat(api.get("/api/topic-permissions").json().findValuesAsText("user")).contains(name);
    assertThat(api.get("/api/users/" + enc(name) + "/topic-permissions").json().size()).isEqualTo(1);
    assertThat(api.put(path, Map.of("exchange", "amq.topic", "write", "^a")).status()).isEqualTo(400);
    assertThat(api.delete(path).status()).isEqualTo(204);
    assertThat(api.delete(path).status()).isEqualTo(404);
  }

  @Test
  void onlyAdministratorsManageUsersPermissionsAndVhosts() {
    String management = user("management");
    api.put("/api/permissions/" + ROOT + "/" + enc(management), Map.of("configure", ".*", "write", ".*", "read", ".*"));
    String monitoring = user("monitoring");
    String none = user("");
    Map<String, Object> someUser = Map.of("password", "x", "tags", "");

    for (String name : List.of(management, monitoring)) {
      ManagementHttp as = api.as(name, "pw");
      assertThat(as.get("/api/whoami").status()).isEqualTo(200);
      ManagementHttp.Response r = as.put("/api/users/" + enc(newName()), someUser);
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.json().path("error").asText()).isEqualTo("not_authorised");
      assertThat(r.json().path("reason").asText()).isEqualTo("Not administrator user");
      assertThat(as.get("/api/users").status()).isEqualTo(401);
      assertThat(as.get("/api/permissions").status()).isEqualTo(401);
      assertThat(as.put("/api/permissions/" + ROOT + "/" + enc(name), Map.of("configure", ".*", "write", ".*",
          "read", ".*")).status()).isEqualTo(401);
      assertThat(as.put("/api/vhosts/" + enc(newName()), null).status()).isEqualTo(401);
      assertThat(as.delete("/api/vhosts/" + ROOT).status()).isEqualTo(401);
      assertThat(as.get("/api/definitions").status()).isEqualTo(401);
    }
    assertThat(api.as(management, "pw").get("/api/queues/" + ROOT).status()).isEqualTo(200);
    ManagementHttp.Response noVhost = api.as(monitoring, "pw").get("/api/queues/" + ROOT);
    assertThat(noVhost.status()).isEqualTo(401);
    assertThat(noVhost.json().path("reason").asText()).isEqualTo("User not authorised to access virtual host");

    ManagementHttp.Response refused = api.as(none, "pw").get("/api/whoami");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.json().path("reason").asText()).isEqualTo("Not management user");
  }

  @Test
  void definitionsCarryUsersWithTheirHashesPermissionsAndTopicPermissions() {
    String name = newName();
    String hash = PasswordHash.of("pw", new byte[] {9, 8, 7, 6});
    Map<String, Object> file = Map.of(
        "users", List.of(Map.of("name", name, "password_hash", hash, "hashing_algorithm",
            PasswordHash.ALGORITHM, "tags", "management")),
        "permissions", List.of(Map.of("user", name, "vhost", "/", "configure", "^c", "write", ".*", "read", ".*")),
        "topic_permissions", List.of(Map.of("user", name, "vhost", "/", "exchange", "amq.topic", "write", "^a",
            "read", "^b")));
    ManagementHttp.Response imported = api.post("/api/definitions", file);
    assertThat(imported.status()).as(imported.body()).isIn(200, 204);

    assertThat(api.as(name, "pw").get("/api/whoami").status()).isEqualTo(200);
    assertThat(api.get("/api/permissions/" + ROOT + "/" + enc(name)).json().path("configure").asText())
        .isEqualTo("^c");
    JsonNode defs = api.get("/api/definitions").json();
    JsonNode exported = null;
    for (JsonNode u : defs.path("users")) {
      if (u.path("name").asText().equals(name)) {
        exported = u;
      }
    }
    assertThat(exported).isNotNull();
    assertThat(exported.path("password_hash").asText()).isEqualTo(hash);
    assertThat(defs.path("permissions").findValuesAsText("user")).contains(name);
    assertThat(defs.path("topic_permissions").findValuesAsText("user")).contains(name);
  }

  @Test
  void creatingAVhostGivesItsCreatorEveryPermission() {
    String vhost = "api-v-" + UUID.randomUUID().toString().substring(0, 8);
    try {
      assertThat(api.put("/api/vhosts/" + enc(vhost), null).status()).isEqualTo(201);
      JsonNode p = api.get("/api/permissions/" + enc(vhost) + "/" + enc(broker.username())).json();
      assertThat(p.path("configure").asText()).isEqualTo(".*");
    } finally {
      api.delete("/api/vhosts/" + enc(vhost));
    }
  }
}
