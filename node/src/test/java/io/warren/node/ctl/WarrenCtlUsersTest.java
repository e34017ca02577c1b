package io.warren.node.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Closure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** warrenctl's users and permissions commands against a real node, checked over AMQP and in their output. */
class WarrenCtlUsersTest {
  @RegisterExtension static final Broker broker = Broker.standard();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  record Run(int code, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  private static Run ctl(String... args) {
    int port = broker.requireEmbedded("warrenctl talks to the embedded node's management port")
        .managementAddress().getPort();
    List<String> all = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", String.valueOf(port),
        "--user", broker.username(), "--password", broker.password()));
    all.addAll(List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = WarrenCtl.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  private static Run ok(String... args) {
    Run r = ctl(args);
    assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isZero();
    return r;
  }

  private static Connection connect(String user, String password) throws Exception {
    ConnectionFactory f = broker.factory();
    f.setUsername(user);
    f.setPassword(password);
    return f.newConnection();
  }

  @Test
  void aUserIsAddedGivenPermissionsAndTagsChangedAndDeleted() throws Exception {
    String user = "ctl-" + UUID.randomUUID().toString().substring(0, 8);
    Run add = ok("add_user", user, "pw");
    assertThat(add.lines()).startsWith("Adding user \"" + user + "\" ...");
    Run again = ctl("add_user", user, "pw");
    assertThat(again.code()).isEqualTo(CtlException.SOFTWARE);
    assertThat(again.err()).contains("User \"" + user + "\" already exists");

    // No permission on "/" yet: the vhost is refused.
    assertThat(Closure.of(() -> connect(user, "pw")).code()).isEqualTo(530);
    Run set = ok("set_permissions", "-p", "/", user, "^ctl-", ".*", "");
    assertThat(set.lines()).containsExactly("Setting permissions for user \"" + user + "\" in vhost \"/\" ...");
    try (Connection c = connect(user, "pw")) {
      c.createChannel().queueDeclare("ctl-" + UUID.randomUUID(), false, true, true, null);
    }
    Run perms = ok("list_permissions", "-q");
    assertThat(perms.lines()).first().isEqualTo("user\tconfigure\twrite\tread");
    assertThat(perms.lines()).contains(user + "\t^ctl-\t.*\t", broker.username() + "\t.*\t.*\t.*");
    assertThat(ok("list_user_permissions", "-q", user).lines()).containsExactly("vhost\tconfigure\twrite\tread",
        "/\t^ctl-\t.*\t");
    JsonNode json = MAPPER.readTree(ok("--json", "list_permissions").out());
    assertThat(json.findValuesAsText("user")).contains(user);

    ok("set_user_tags", user, "management", "monitoring");
    assertThat(ok("list_users", "-q").lines()).contains(user + "\t[management, monitoring]");
    JsonNode users = MAPPER.readTree(ok("--json", "list_users").out());
    JsonNode me = null;
    for (JsonNode u : users) {
      if (u.path("user").asText().equals(user)) {
        me = u;
      }
    }
    assertThat(me.path("tags").toString()).isEqualTo("[\"management\",\"monitoring\"]");

    ok("change_password", user, "pw2");
    assertThatThrownBy(() -> connect(user, "pw")).isInstanceOf(AuthenticationFailureException.class);
    connect(user, "pw2").close();
    assertThat(ok("list_users", "-q").lines()).contains(user + "\t[management, monitoring]"); // tags kept

    ok("set_topic_permissions", user, "amq.topic", "^a", "^b");
    assertThat(ok("list_topic_permissions", "-q").lines()).contains(user + "\tamq.topic\t^a\t^b");
    ok("clear_topic_permissions", user);
    assertThat(ok("list_topic_permissions", "-q").lines()).noneMatch(l -> l.startsWith(user));

    ok("clear_permissions", user);
    assertThat(Closure.of(() -> connect(user, "pw2")).code()).isEqualTo(530);

    Run delete = ok("delete_user", user);
    assertThat(delete.lines()).containsExactly("Deleting user \"" + user + "\" ...");
    assertThatThrownBy(() -> connect(user, "pw2")).isInstanceOf(AuthenticationFailureException.class);
    Run missing = ctl("delete_user", user);
    assertThat(missing.code()).isEqualTo(CtlException.NO_USER);
    assertThat(missing.err()).contains("User \"" + user + "\" does not exist");
    assertThat(ctl("change_password", user, "x").code()).isEqualTo(CtlException.NO_USER);
  }
}
