package io.warren.node.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * warrenctl's users and permissions commands, named, worded and exiting as rabbitmqctl's (a missing
 * user exits 67, adding one that exists 70), each one or two calls of the management API.
 */
final class UserCommands {
  private UserCommands() {}

  private static String userPath(String user) {
    return "/api/users/" + ApiClient.enc(user);
  }

  /** The user, or rabbitmqctl's "does not exist" error. */
  private static JsonNode existingUser(ApiClient api, String user) {
    JsonNode u = api.find(userPath(user));
    if (u == null) {
      throw new CtlException(CtlException.NO_USER, "User \"" + user + "\" does not exist");
    }
    return u;
  }

  /** A PUT body for a user: its password (or the hash it has) and tags. */
  private static String userBody(String passwordField, String password, List<String> tags) {
    ObjectNode body = ApiClient.MAPPER.createObjectNode();
    body.put(passwordField, password);
    body.put("tags", String.join(",", tags));
    return body.toString();
  }

  private static List<String> tags(JsonNode user) {
    List<String> tags = new ArrayList<>();
    user.path("tags").forEach(t -> tags.add(t.asText()));
    return tags;
  }

  /** A vhost option as rabbitmqctl's {@code -p}. */
  abstract static class InVhost implements Callable<Integer> {
    @ParentCommand WarrenCtl ctl;

    @Option(names = {"-p", "--vhost"}, defaultValue = "/", description = "Virtual host (default: ${DEFAULT-VALUE}).")
    String vhost;
  }

  @Command(name = "add_user", description = "Creates a user with a password and no tags.")
  static final class AddUser implements Callable<Integer> {
    @ParentCommand WarrenCtl ctl;

    @Parameters(index = "0", paramLabel = "USER") String user;

    @Parameters(index = "1", paramLabel = "PASSWORD") String password;

    @Override
    public Integer call() {
      Output out = ctl.output();
      out.info("Adding user \"" + user + "\" ...");
      ApiClient api = ctl.api();
      if (api.find(userPath(user)) != null) {
        throw new CtlException(CtlException.SOFTWARE, "User \"" + user + "\" already exists");
      }
      api.put(userPath(user), userBody("password", password, List.of()));
      out.info("Done. Don't forget to grant the user permissions to some virtual hosts! See 'warrenctl help "
          + "set_permissions' to learn more.");
      return 0;
    }
  }

  @Command(name = "delete_user", description = "Deletes a user with its permissions; its connections are closed.")
  static final class DeleteUser implements Callable<Integer> {
    @ParentCommand WarrenCtl ctl;

    @Parameters(paramLabel = "USER") String user;

    @Override
    public Integer call() {
      ctl.output().info("Deleting user \"" + user + "\" ...");
      try {
        ctl.api().delete(userPath(user));
      } catch (ApiClient.NotFound e) {
        throw new CtlException(CtlException.NO_USER, "User \"" + user + "\" does not exist");
      }
      return 0;
    }
  }

  @Command(name = "change_password", description = "Changes a user's password.")
  static final class ChangePassword implements Callable<Integer> {
    @ParentCommand WarrenCtl ctl;

    @Parameters(index = "0", paramLabel = "USER") String user;

    @Parameters(index = "1", paramLabel = "PASSWORD") String password;

    @Override
    public Integer call() {
      ctl.output().info("Changing password for user \"" + user + "\" ...");
      ApiClient api = ctl.api();
      JsonNode u = existingUser(api, user);
      api.put(userPath(user), userBody("password", password, tags(u)));
      return 0;
    }
  }

  @Command(name = "set_user_tags", description = "Replaces a user's tags (administrator, monitoring, policymaker, "
      + "management, or any other); none clears them.")
  static final class SetUserTags implements Callable<Integer> {
    @ParentCommand WarrenCtl ctl;

    @Parameters(index = "0", paramLabel = "USER") String user;

    @Parameters(index = "1..*", paramLabel = "TAG", arity = "0..*") List<String> tags;

    @Override
    public Integer call() {
      List<String> newTags = tags == null ? List.of() : tags;
      ctl.output().info("Setting tags for user \"" + user + "\" to [" + String.join(", ", newTags) + "] ...");
      ApiClient api = ctl.api();
      JsonNode u = existingUser(api, user);
      api.put(userPath(user), userBody("password_hash", u.path("password_hash").asText(), newTags));
      return 0;
    }
  }

  @Command(name = "list_users", description = "Lists users and their tags.")
  static final class ListUsers implements Callable<Integer> {
    @ParentCommand WarrenCtl ctl;

    @Override
    public Integer call() {
      Output out = ctl.output();
      out.info("Listing users ...");
      ArrayNode rows = ApiClient.MAPPER.createArrayNode();
      for (JsonNode u : ctl.api().get("/api/users")) {
        ObjectNode row = rows.addObject();
        row.put("user", u.path("name").asText());
        if (out.json()) {
          row.set("tags", u.path("tags"));
        } else {
          row.put("tags", "[" + String.join(", ", tags(u)) + "]");
        }
      }
      out.table(rows, List.of("user", "tags"), Map.of());
      return 0;
    }
  }

  @Command(name = "set_permissions", description = "Sets a user's configure, write and read permissions (regular "
      + "expressions over resource names) in a vhost.")
  static final class SetPermissions extends InVhost {
    @Parameters(index = "0", paramLabel = "USER") String user;

    @Parameters(index = "1", paramLabel = "CONF") String configure;

    @Parameters(index = "2", paramLabel = "WRITE") String write;

    @Parameters(index = "3", paramLabel = "READ") String read;

    @Override
    public Integer call() {
      ctl.output().info("Setting permissions for user \"" + user + "\" in vhost \"" + vhost + "\" ...");
      ObjectNode body = ApiClient.MAPPER.createObjectNode();
      body.put("configure", configure).put("write", write).put("read", read);
      ctl.api().put("/api/permissions/" + ApiClient.enc(vhost) + "/" + ApiClient.enc(user), body.toString());
      return 0;
    }
  }

  @Command(name = "clear_permissions", description = "Removes a user's permissions in a vhost.")
  static final class ClearPermissions extends InVhost {
    @Parameters(paramLabel = "USER") String user;

    @Override
    public Integer call() {
      ctl.output().info("Clearing permissions for user \"" + user + "\" in vhost \"" + vhost + "\" ...");
      ctl.api().delete("/api/permissions/" + ApiClient.enc(vhost) + "/" + ApiClient.enc(user));
      return 0;
    }
  }

  @Command(name = "list_permissions", description = "Lists the users' permissions in a vhost.")
  static final class ListPermissions extends InVhost {
    @Override
    public Integer call() {
      Output out = ctl.output();
      out.info("Listing permissions for vhost \"" + vhost + "\" ...");
      out.table(ctl.api().get("/api/vhosts/" + ApiClient.enc(vhost) + "/permissions"),
          List.of("user", "configure", "write", "read"), Map.of());
      return 0;
    }
  }

  @Command(name = "list_user_permissions", description = "Lists a user's permissions in every vhost.")
  static final class ListUserPermissions implements Callable<Integer> {
    @ParentCommand WarrenCtl ctl;

    @Parameters(paramLabel = "USER") String user;

    @Override
    public Integer call() {
      Output out = ctl.output();
      out.info("Listing permissions for user \"" + user + "\" ...");
      ApiClient api = ctl.api();
      existingUser(api, user);
      out.table(api.get(userPath(user) + "/permissions"), List.of("vhost", "configure", "write", "read"), Map.of());
      return 0;
    }
  }

  @Command(name = "set_topic_permissions", description = "Sets a user's write and read permissions (regular "
      + "expressions over routing keys) on a topic exchange in a vhost.")
  static final class SetTopicPermissions extends InVhost {
    @Parameters(index = "0", paramLabel = "USER") String user;

    @Parameters(index = "1", paramLabel = "EXCHANGE") String exchange;

    @Parameters(index = "2", paramLabel = "WRITE") String write;

    @Parameters(index = "3", paramLabel = "READ") String read;

    @Override
    public Integer call() {
      ctl.output().info("Setting topic permissions on \"" + exchange + "\" for user \"" + user + "\" in vhost \""
          + vhost + "\" ...");
      ObjectNode body = ApiClient.MAPPER.createObjectNode();
      body.put("exchange", exchange).put("write", write).put("read", read);
      ctl.api().put("/api/topic-permissions/" + ApiClient.enc(vhost) + "/" + ApiClient.enc(user), body.toString());
      return 0;
    }
  }

  @Command(name = "clear_topic_permissions", description = "Removes a user's topic permissions in a vhost.")
  static final class ClearTopicPermissions extends InVhost {
    @Parameters(paramLabel = "USER") String user;

    @Override
    public Integer call() {
      ctl.output().info("Clearing topic permissions for user \"" + user + "\" in vhost \"" + vhost + "\" ...");
      ctl.api().delete("/api/topic-permissions/" + ApiClient.enc(vhost) + "/" + ApiClient.enc(user));
      return 0;
    }
  }

  @Command(name = "list_topic_permissions", description = "Lists the users' topic permissions in a vhost.")
  static final class ListTopicPermissions extends InVhost {
    @Override
    public Integer call() {
      Output out = ctl.output();
      out.info("Listing topic permissions for vhost \"" + vhost + "\" ...");
      out.table(ctl.api().get("/api/vhosts/" + ApiClient.enc(vhost) + "/topic-permissions"),
          List.of("user", "exchange", "write", "read"), Map.of());
      return 0;
    }
  }
}
