package io.warren.node.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.node.it.support.Broker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** warrenctl against a real node: its commands, its output, its exit codes, and bin/warrenctl itself. */
class WarrenCtlTest {
  @RegisterExtension static final Broker broker = Broker.standard();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

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
    return ctlRaw(all.toArray(String[]::new));
  }

  private static Run ctlRaw(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = WarrenCtl.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void clusterStatusShowsTheRunningNode() throws Exception {
    Run table = ctl("cluster_status");
    assertThat(table.code()).as(table.err()).isZero();
    List<String> lines = table.lines();
    assertThat(lines).contains("Running Nodes", "Disk Nodes", "Cluster name: warren1");
    assertThat(lines.subList(lines.indexOf("Running Nodes"), lines.size())).contains("warren1");

    JsonNode json = MAPPER.readTree(ctl("--json", "cluster_status").out());
    assertThat(json.path("running_nodes").get(0).asText()).isEqualTo("warren1");
    assertThat(json.path("cluster_name").asText()).isEqualTo("warren1");
  }

  @Test
  void listQueuesShowsQueuesAndTheirDepth() throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, true, false, false, null);
    ch.confirmSelect();
    for (int i = 0; i < 3; i++) {
      ch.basicPublish("", queue, null, "m".getBytes(StandardCharsets.UTF_8));
    }
    ch.waitForConfirmsOrDie(10_000);

    Run run = ctl("list_queues");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.lines()).startsWith("Listing queues for vhost / ...", "name\tmessages");
    assertThat(run.lines()).contains(queue + "\t3");

    Run columns = ctl("list_queues", "-q", "name", "durable", "messages_ready", "consumers");
    assertThat(columns.lines().get(0)).isEqualTo("name\tdurable\tmessages_ready\tconsumers");
    assertThat(columns.lines()).contains(queue + "\ttrue\t3\t0");

    JsonNode json = MAPPER.readTree(ctl("list_queues", "--json").out());
    JsonNode mine = null;
    for (JsonNode q : json) {
      if (q.path("name").asText().equals(queue)) {
        mine = q;
      }
    }
    assertThat(mine).isNotNull();
    assertThat(mine.path("messages").asInt()).isEqualTo(3);

    Run unknownVhost = ctl("list_queues", "-p", "nosuchvhost");
    assertThat(unknownVhost.code()).isEqualTo(CtlException.DATA_ERROR);
    assertThat(unknownVhost.err()).contains("404");
  }

  @Test
  void listExchangesBindingsAndConnections() throws Exception {
    String name = "ctl-" + UUID.randomUUID();
    try (Connection connection = broker.factory().newConnection(name)) {
      Channel ch = connection.createChannel();
      String exchange = broker.exchangeName();
      String queue = broker.queueName();
      ch.exchangeDeclare(exchange, "topic", true);
      ch.queueDeclare(queue, true, false, false, null);
      ch.queueBind(queue, exchange, "a.*");

      assertThat(ctl("list_exchanges").lines()).contains(exchange + "\ttopic", "amq.fanout\tfanout");
      Run bindings = ctl("list_bindings", "-q");
      assertThat(bindings.lines().get(0))
          .isEqualTo("source_name\tsource_kind\tdestination_name\tdestination_kind\trouting_key\targuments");
      assertThat(bindings.lines()).contains(exchange + "\texchange\t" + queue + "\tqueue\ta.*\t{}",
          "\texchange\t" + queue + "\tqueue\t" + queue + "\t{}");

      Run connections = ctl("list_connections", "-q", "user", "user_provided_name", "state", "channels");
      assertThat(connections.lines()).contains(broker.username() + "\t" + name + "\trunning\t1");
    }
  }

  @Test
  void vhostsAreAddedAndDeleted() throws Exception {
    String vhost = "ctl-v-" + UUID.randomUUID().toString().substring(0, 8);
    Run add = ctl("add_vhost", vhost);
    assertThat(add.code()).as(add.err()).isZero();
    assertThat(add.out()).contains("Adding vhost \"" + vhost + "\"");
    ConnectionFactory f = broker.factory();
    f.setVirtualHost(vhost);
    try (Connection c = f.newConnection()) {
      assertThat(c.isOpen()).isTrue();
    }
    Run delete = ctl("delete_vhost", vhost);
    assertThat(delete.code()).as(delete.err()).isZero();
    assertThat(delete.out()).contains("Deleting vhost \"" + vhost + "\"");
    Run again = ctl("delete_vhost", vhost);
    assertThat(again.code()).isEqualTo(CtlException.DATA_ERROR); // as rabbitmqctl: 65, no such vhost
  }

  @Test
  void definitionsExportedToAFileComeBackOnImport() throws Exception {
    Channel ch = broker.channel();
    String exchange = broker.exchangeName();
    String queue = broker.queueName();
    ch.exchangeDeclare(exchange, "fanout", true);
    ch.queueDeclare(queue, true, false, false, null);
    ch.queueBind(queue, exchange, "");

    Path file = dir.resolve("definitions.json");
    Run export = ctl("export_definitions", file.toString());
    assertThat(export.code()).as(export.err()).isZero();
    JsonNode defs = MAPPER.readTree(file.toFile());
    assertThat(defs.path("queues").findValuesAsText("name")).contains(queue);
    assertThat(defs.path("exchanges").findValuesAsText("name")).contains(exchange);

    ch.queueDelete(queue);
    ch.exchangeDelete(exchange);
    Run imported = ctl("import_definitions", file.toString());
    assertThat(imported.code()).as(imported.err()).isZero();

    // Back, and bound: a message through the exchange reaches the queue.
    ch.confirmSelect();
    ch.basicPublish(exchange, "", null, "back".getBytes(StandardCharsets.UTF_8));
    ch.waitForConfirmsOrDie(10_000);
    assertThat(ch.queueDeclarePassive(queue).getMessageCount()).isEqualTo(1);

    assertThat(ctl("import_definitions", dir.resolve("missing.json").toString()).code())
        .isEqualTo(CtlException.IO_ERROR);
  }

  @Test
  void policiesAreSetListedAndCleared() throws Exception {
    String name = "ctl-policy-" + UUID.randomUUID().toString().substring(0, 8);
    Run set = ctl("set_policy", name, "^ctl\\.limited\\.", "{\"max-length\":3}", "--priority", "7",
        "--apply-to", "queues");
    assertThat(set.code()).as(set.err()).isZero();
    assertThat(set.out()).contains("Setting policy \"" + name + "\" for pattern \"^ctl\\.limited\\.\" to "
        + "\"{\"max-length\":3}\" with priority \"7\" for vhost \"/\" ...");

    Run list = ctl("list_policies");
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.lines()).startsWith("Listing policies for vhost \"/\" ...",
        "vhost\tname\tpattern\tapply-to\tdefinition\tpriority");
    assertThat(list.lines()).anySatisfy(line -> assertThat(line).startsWith("/\t" + name + "\t^ctl\\.limited\\.\tqueues\t")
        .contains("max-length").endsWith("\t7"));
    JsonNode json = MAPPER.readTree(ctl("--json", "list_policies", "name", "definition").out());
    assertThat(json.findValuesAsText("name")).contains(name);

    Channel ch = broker.channel();
    String queue = "ctl.limited." + UUID.randomUUID().toString().substring(0, 8);
    broker.deleteAfterTest(queue);
    ch.queueDeclare(queue, true, false, false, null);
    ch.confirmSelect();
    for (int i = 0; i < 5; i++) {
      ch.basicPublish("", queue, null, "m".getBytes(StandardCharsets.UTF_8));
    }
    ch.waitForConfirmsOrDie(10_000);
    assertThat(ch.queueDeclarePassive(queue).getMessageCount()).isEqualTo(3);

    Run clear = ctl("clear_policy", name);
    assertThat(clear.code()).as(clear.err()).isZero();
    assertThat(clear.out()).contains("Clearing policy \"" + name + "\" on vhost \"/\" ...");
    assertThat(ctl("-q", "list_policies", "name").out()).doesNotContain(name);
    assertThat(ctl("clear_policy", name).code()).isEqualTo(65);
    assertThat(ctl("set_policy", name, ".", "not json").code()).isEqualTo(64);
    Run invalid = ctl("set_policy", name, ".", "{\"no-such-key\":1}");
    assertThat(invalid.code()).isEqualTo(65);
    assertThat(invalid.err()).contains("not recognised policy settings");
  }

  @Test
  void failuresHaveRabbitmqctlsExitCodes() throws Exception {
    int port = broker.requireEmbedded("management port").managementAddress().getPort();
    Run badPassword = ctlRaw("--host", "127.0.0.1", "--port", String.valueOf(port), "--password", "wrong",
        "list_queues");
    assertThat(badPassword.code()).isEqualTo(CtlException.NO_PERMISSION);
    assertThat(badPassword.err()).contains("401");

    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Run unreachable = ctlRaw("--host", "127.0.0.1", "--port", String.valueOf(closed), "cluster_status");
    assertThat(unreachable.code()).isEqualTo(CtlException.UNAVAILABLE);

    assertThat(ctlRaw("no_such_command").code()).isEqualTo(64);
    Run help = ctlRaw("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("list_queues", "import_definitions");
  }

  @Test
  void theShellWrapperRunsTheTool() throws Exception {
    Path script = Path.of("..", "bin", "warrenctl").toAbsolutePath().normalize();
    assertThat(Files.isExecutable(script)).as(script.toString()).isTrue();
    int port = broker.requireEmbedded("management port").managementAddress().getPort();
    ProcessBuilder pb = new ProcessBuilder(script.toString(), "--host", "127.0.0.1", "--port", String.valueOf(port),
        "cluster_status").redirectErrorStream(true);
    // The test's class path stands in for the packaged jar (not built yet when tests run).
    pb.environment().put("WARREN_CLASSPATH", System.getProperty("java.class.path"));
    pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("Running Nodes", "warren1");
  }
}
