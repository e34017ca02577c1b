package io.warren.node.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** warrenctl's commands, each one or two API calls. */
final class CtlCommands {
  private CtlCommands() {}

  @Command(name = "cluster_status", description = "Shows the cluster's nodes and which of them are running.")
  static final class ClusterStatus implements Callable<Integer> {
    @ParentCommand WarrenCtl ctl;

    @Override
    public Integer call() {
      ApiClient api = ctl.api();
      JsonNode overview = api.get("/api/overview");
      JsonNode nodes = api.get("/api/nodes");
      Output out = ctl.output();
      ObjectNode status = ApiClient.MAPPER.createObjectNode();
      status.put("cluster_name", overview.path("cluster_name").asText());
      ObjectNode versions = status.putObject("versions");
      for (JsonNode n : nodes) {
        status.withArray("disk_nodes").add(n.path("name").asText());
        if (n.path("running").asBoolean()) {
          status.withArray("running_nodes").add(n.path("name").asText());
        }
        versions.put(n.path("name").asText(), overview.path("product_name").asText() + " "
            + overview.path("product_version").asText());
      }
      if (!status.has("running_nodes")) {
        status.putArray("running_nodes");
      }
      if (out.json()) {
        out.json(status);
        return 0;
      }
      out.info("Cluster status of node " + overview.path("node").asText() + " ...");
      out.line("Basics");
      out.line("");
      out.line("Cluster name: " + status.path("cluster_name").asText());
      section(out, "Disk Nodes", status.path("disk_nodes"));
      section(out, "Running Nodes", status.path("running_nodes"));
      out.line("");
      out.line("Versions");
      out.line("");
      versions.properties().forEach(e -> out.line(e.getKey() + ": " + e.getValue().asText()));
      return 0;
    }

    private static void section(Output out, String title, JsonNode names) {
      out.line("");
      out.line(title);
      out.line("");
      names.forEach(n -> out.line(n.asText()));
    }
  }

  /** A list_* command: rows from one API path, printed with the columns asked for. */
  abstract static class Listing implements Callable<Integer> {
    @ParentCommand WarrenCtl ctl;

    @Parameters(paramLabel = "COLUMN", arity = "0..*",
        description = "Columns to show: API field names, dotted paths into nested fields, or rabbitmqctl's names.")
    List<String> columns;

    abstract String path();

    abstract String what();

    abstract List<String> defaultColumns();

    Map<String, String> aliases() {
      return Map.of();
    }

    @Override
    public Integer call() {
      JsonNode rows = ctl.api().get(path());
      Output out = ctl.output();
      out.info("Listing " + what() + " ...");
      out.table(rows, columns == null || columns.isEmpty() ? defaultColumns() : columns, aliases());
      return 0;
    }
  }

  /** A listing of one vhost ({@code -p}, default {@code /}). */
  abstract static class VhostListing extends Listing {
    @Option(names = {"-p", "--vhost"}, defaultValue = "/", description = "Virtual host (default: ${DEFAULT-VALUE}).")
    String vhost;
  }

  @Command(name = "list_queues", description = "Lists queues with their figures (default columns: name messages).")
  static final class ListQueues extends VhostListing {
    @Override
    String path() {
      return "/api/queues/" + ApiClient.enc(vhost);
    }

    @Override
    String what() {
      return "queues for vhost " + vhost;
    }

    @Override
    List<String> defaultColumns() {
      return List.of("name", "messages");
    }
  }

  @Command(name = "list_exchanges", description = "Lists exchanges (default columns: name type).")
  static final class ListExchanges extends VhostListing {
    @Override
    String path() {
      return "/api/exchanges/" + ApiClient.enc(vhost);
    }

    @Override
    String what() {
      return "exchanges for vhost " + vhost;
    }

    @Override
    List<String> defaultColumns() {
      return List.of("name", "type");
    }
  }

  @Command(name = "list_bindings", description = "Lists bindings (default columns: source_name source_kind "
      + "destination_name destination_kind routing_key arguments).")
  static final class ListBindings extends VhostListing {
    @Override
    String path() {
      return "/api/bindings/" + ApiClient.enc(vhost);
    }

    @Override
    String what() {
      return "bindings for vhost " + vhost;
    }

    @Override
    List<String> defaultColumns() {
      return List.of("source_name", "source_kind", "destination_name", "destination_kind", "routing_key", "arguments");
    }

    @Override
    Map<String, String> aliases() {
      return Map.of("source_name", "source", "source_kind", "=exchange", "destination_name", "destination",
          "destination_kind", "destination_type");
    }
  }

  @Command(name = "list_connections", description = "Lists client connections (default columns: user peer_host "
      + "peer_port state).")
  static final class ListConnections extends Listing {
    @Override
    String path() {
      return "/api/connections";
    }

    @Override
    String what() {
      return "connections";
    }

    @Override
    List<String> defaultColumns() {
      return List.of("user", "peer_host", "peer_port", "state");
    }
  }

  @Command(name = "add_vhost", description = "Creates a virtual host.")
  static final class AddVhost implements Callable<Integer> {
    @ParentCommand WarrenCtl ctl;

    @Parameters(paramLabel = "VHOST") String vhost;

    @Override
    public Integer call() {
      ctl.output().info("Adding vhost \"" + vhost + "\" ...");
      ctl.api().put("/api/vhosts/" + ApiClient.enc(vhost), "{}");
      return 0;
    }
  }

  @Command(name = "delete_vhost", description = "Deletes a virtual host and everything in it.")
  static final class DeleteVhost implements Callable<Integer> {
    @ParentCommand WarrenCtl ctl;

    @Parameters(paramLabel = "VHOST") String vhost;

    @Override
    public Integer call() {
      ctl.output().info("Deleting vhost \"" + vhost + "\" ...");
      ctl.api().delete("/api/vhosts/" + ApiClient.enc(vhost));
      return 0;
    }
  }

  @Command(name = "export_definitions", description = "Writes the definitions (vhosts, users, permissions, "
      + "exchanges, queues, bindings) as JSON to a file, or to standard output for \"-\".")
  static final class ExportDefinitions implements Callable<Integer> {
    @ParentCommand WarrenCtl ctl;

    @Parameters(paramLabel = "FILE") String file;

    @Override
    public Integer call() {
      JsonNode definitions = ctl.api().get("/api/definitions");
      if (file.equals("-")) {
        ctl.output().line(definitions.toPrettyString());
        return 0;
      }
      ctl.output().info("Exporting definitions in JSON to a file at \"" + file + "\" ...");
      try {
        Files.writeString(Path.of(file), definitions.toPrettyString() + "\n", StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new CtlException(CtlException.IO_ERROR, "cannot write " + file + ": " + e.getMessage());
      }
      return 0;
    }
  }

  @Command(name = "import_definitions", description = "Declares the vhosts, users, permissions, exchanges, queues "
      + "and bindings of a definitions file (JSON, as export_definitions writes it; \"-\" reads standard input).")
  static final class ImportDefinitions implements Callable<Integer> {
    @ParentCommand WarrenCtl ctl;

    @Parameters(paramLabel = "FILE") String file;

    @Override
    public Integer call() {
      String json;
      try {
        json = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
            : Files.readString(Path.of(file), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new CtlException(CtlException.IO_ERROR, "cannot read " + file + ": " + e.getMessage());
      }
      ctl.output().info("Importing definitions in JSON from a file at \"" + file + "\" ...");
      ctl.api().post("/api/definitions", json);
      return 0;
    }
  }

  @Command(name = "set_policy", description = "Sets a policy: the definition's settings (JSON) apply to the "
      + "queues and/or exchanges whose names match the pattern (a regular expression).")
  static final class SetPolicy implements Callable<Integer> {
    @ParentCommand WarrenCtl ctl;

    @Option(names = {"-p", "--vhost"}, defaultValue = "/", description = "Virtual host (default: ${DEFAULT-VALUE}).")
    String vhost;

    @Option(names = "--priority", defaultValue = "0",
        description = "Of several matching policies the highest priority applies (default: ${DEFAULT-VALUE}).")
    int priority;

    @Option(names = "--apply-to", defaultValue = "all",
        description = "queues, exchanges or all (default: ${DEFAULT-VALUE}).")
    String applyTo;

    @Parameters(index = "0", paramLabel = "NAME") String name;

    @Parameters(index = "1", paramLabel = "PATTERN") String pattern;

    @Parameters(index = "2", paramLabel = "DEFINITION", description = "JSON object, e.g. '{\"max-length\":1000}'.")
    String definition;

    @Override
    public Integer call() {
      JsonNode parsed;
      try {
        parsed = ApiClient.MAPPER.readTree(definition);
      } catch (IOException e) {
        parsed = null;
      }
      if (parsed == null || !parsed.isObject()) {
        throw new CtlException(CtlException.USAGE, "the policy definition must be a JSON object, not: " + definition);
      }
      ObjectNode body = ApiClient.MAPPER.createObjectNode();
      body.put("pattern", pattern);
      body.set("definition", parsed);
      body.put("priority", priority);
      body.put("apply-to", applyTo);
      ctl.output().info("Setting policy \"" + name + "\" for pattern \"" + pattern + "\" to \"" + definition
          + "\" with priority \"" + priority + "\" for vhost \"" + vhost + "\" ...");
      ctl.api().put(policyPath(vhost, name), body.toString());
      return 0;
    }
  }

  @Command(name = "clear_policy", description = "Removes a policy.")
  static final class ClearPolicy implements Callable<Integer> {
    @ParentCommand WarrenCtl ctl;

    @Option(names = {"-p", "--vhost"}, defaultValue = "/", description = "Virtual host (default: ${DEFAULT-VALUE}).")
    String vhost;

    @Parameters(paramLabel = "NAME") String name;

    @Override
    public Integer call() {
      ctl.output().info("Clearing policy \"" + name + "\" on vhost \"" + vhost + "\" ...");
      ctl.api().delete(policyPath(vhost, name));
      return 0;
    }
  }

  @Command(name = "list_policies", description = "Lists policies (default columns: vhost name pattern apply-to "
      + "definition priority).")
  static final class ListPolicies extends VhostListing {
    @Override
    String path() {
      return "/api/policies/" + ApiClient.enc(vhost);
    }

    @Override
    String what() {
      return "policies for vhost \"" + vhost + "\"";
    }

    @Override
    List<String> defaultColumns() {
      return List.of("vhost", "name", "pattern", "apply-to", "definition", "priority");
    }
  }

  private static String policyPath(String vhost, String name) {
    return "/api/policies/" + ApiClient.enc(vhost) + "/" + ApiClient.enc(name);
  }
}
