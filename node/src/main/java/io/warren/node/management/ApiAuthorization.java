package io.warren.node.management;

import io.warren.model.AccessControl;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may call what and see which rows, by user tags as RabbitMQ 3.10's management plugin decides
 * (answers included; checked against RabbitMQ 3.10.8):
 *
 * <ul>
 *   <li>a user with none of the management tags is refused everything ({@code 401 Not management
 *       user}); {@code administrator} may do everything and sees everything;
 *   <li>other management users may not reach users, permissions, definitions, cluster membership or
 *       a single vhost ({@code 401 Not administrator user}), and reach a vhost's objects only where
 *       they have a permission on the vhost ({@code 401 User not authorised to access virtual
 *       host}); lists of queues, exchanges, bindings and policies show only those vhosts' rows;
 *   <li>{@code monitoring} adds every vhost in {@code /api/vhosts}, every client in the connection,
 *       channel and consumer lists (others see their own only), and {@code /api/nodes} ({@code 401
 *       Not monitor user});
 *   <li>{@code policymaker} adds reading, setting and clearing one policy in those vhosts (others may
 *       only list them: {@code 401 User not authorised to access object}).
 * </ul>
 *
 * A single connection or channel is checked where it is found ({@link ConnectionsApi}), and the
 * overview narrows its totals itself ({@link OverviewApi}), since neither is a list of rows. What an
 * operation does to a queue, exchange or binding is checked against the permission's expressions
 * where it is made ({@link Caller#require}): RabbitMQ checks them as the operation runs, some after
 * looking for the object (404 first), some before.
 */
final class ApiAuthorization {
  private static final Set<String> MANAGEMENT_TAGS = Set.of(AccessControl.ADMINISTRATOR, Caller.MONITORING,
      Caller.POLICYMAKER, "management");
  /** Top-level paths only administrators use, whatever the method ({@code cluster}: membership). */
  private static final Set<String> ADMINISTRATOR_PATHS = Set.of("users", "permissions", "topic-permissions",
      "definitions", "cluster");
  /** Top-level paths whose lists have a row per object of a vhost (a {@code vhost} field). */
  private static final Set<String> VHOST_OBJECT_PATHS = Set.of("queues", "exchanges", "bindings", "policies");
  /** Top-level paths whose lists have a row per client (a user). */
  private static final Set<String> CLIENT_PATHS = Set.of("connections", "channels", "consumers");

  private ApiAuthorization() {}

  /** Which rows of a list answer a caller sees. */
  enum Rows {
    ALL {
      @Override
      boolean shows(Caller caller, Map<?, ?> row) {
        return true;
      }
    },
    /** Rows of a vhost's objects: those of the caller's vhosts. */
    IN_REACHED_VHOSTS {
      @Override
      boolean shows(Caller caller, Map<?, ?> row) {
        return !(row.get("vhost") instanceof String vhost) || caller.reaches(vhost);
      }
    },
    /** The vhosts themselves. */
    VHOSTS {
      @Override
      boolean shows(Caller caller, Map<?, ?> row) {
        return caller.seesVhost(String.valueOf(row.get("name")));
      }
    },
    /** Connections and channels ({@code user}), consumers ({@code channel_details.user}). */
    CLIENTS {
      @Override
      boolean shows(Caller caller, Map<?, ?> row) {
        Object user = row.get("user");
        if (user == null && row.get("channel_details") instanceof Map<?, ?> channel) {
          user = channel.get("user");
        }
        return caller.seesClientsOf(user == null ? null : user.toString());
      }
    };

    abstract boolean shows(Caller caller, Map<?, ?> row);
  }

  /** What a call may do: who makes it, and which rows of a list answer it sees. */
  record Grant(Caller caller, Rows rows) {
    /** The response with the rows the caller may not see left out. */
    ApiResponse narrow(ApiResponse response) {
      if (rows == Rows.ALL || !(response.body() instanceof List<?> list)) {
        return response;
      }
      List<?> kept = list.stream().filter(row -> !(row instanceof Map<?, ?> m) || rows.shows(caller, m)).toList();
      return new ApiResponse(response.status(), kept, response.headers());
    }
  }

  /** @throws ApiException 401 when {@code user} may not make this call */
  static Grant authorize(AccessControl access, String user, String method, List<String> path,
      Map<String, String> params) {
    AccessControl.User u = access.user(user).orElseThrow(() -> refused("Login failed"));
    if (u.tags().stream().noneMatch(MANAGEMENT_TAGS::contains)) {
      throw refused("Not management user");
    }
    Caller caller = Caller.of(access, u);
    if (caller.administrator()) {
      return new Grant(caller, Rows.ALL);
    }
    String top = path.isEmpty() ? "" : path.get(0);
    if (ADMINISTRATOR_PATHS.contains(top) || singleVhostOrItsAccess(path)) {
      throw refused("Not administrator user");
    }
    if (top.equals("nodes") && !caller.monitor()) {
      throw refused("Not monitor user");
    }
    String vhost = params.get("vhost");
    if (top.equals("policies") && path.size() == 3 && !(caller.policymaker() && caller.reaches(vhost))) {
      throw refused("User not authorised to access object");
    }
    // RabbitMQ lists /api/consumers/{vhost} without looking at the vhost (the rows are narrowed).
    if (vhost != null && !top.equals("consumers") && !caller.reaches(vhost)) {
      throw refused("User not authorised to access virtual host");
    }
    return new Grant(caller, rows(path));
  }

  /** {@code /api/vhosts/{vhost}} and its permissions are an administrator's; its clients are not. */
  private static boolean singleVhostOrItsAccess(List<String> path) {
    return path.size() >= 2 && path.get(0).equals("vhosts")
        && (path.size() == 2 || path.get(2).equals("permissions") || path.get(2).equals("topic-permissions"));
  }

  private static Rows rows(List<String> path) {
    String top = path.isEmpty() ? "" : path.get(0);
    if (VHOST_OBJECT_PATHS.contains(top)) {
      return Rows.IN_REACHED_VHOSTS;
    }
    if (CLIENT_PATHS.contains(top) || (top.equals("vhosts") && path.size() == 3)) {
      return Rows.CLIENTS;
    }
    return top.equals("vhosts") ? Rows.VHOSTS : Rows.ALL;
  }

  static ApiException refused(String reason) {
    return new ApiException(401, "not_authorised", reason);
  }
}
