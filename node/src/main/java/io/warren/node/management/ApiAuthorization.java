package io.warren.node.management;

import io.warren.model.AccessControl;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may call what, by user tags as RabbitMQ's management plugin decides (answers included):
 * a user with none of the management tags is refused everything ({@code 401 Not management user});
 * {@code administrator} may do everything; other management users ({@code management},
 * {@code policymaker}, {@code monitoring}) may not read or change users, permissions, definitions or
 * vhosts, or cluster membership ({@code 401 Not administrator user}), and reach a vhost's objects only where they have a
 * permission on the vhost ({@code 401 User not authorised to access virtual host}).
 *
 * <p>Not done: lists are not filtered to a non-administrator's vhosts, and {@code monitoring} is
 * treated as {@code management}.
 */
final class ApiAuthorization {
  private static final Set<String> MANAGEMENT_TAGS = Set.of("administrator", "monitoring", "policymaker",
      "management");
  /** Top-level paths only administrators use, whatever the method ({@code cluster}: membership). */
  private static final Set<String> ADMINISTRATOR_PATHS = Set.of("users", "permissions", "topic-permissions",
      "definitions", "cluster");

  private ApiAuthorization() {}

  /** @throws ApiException 401 when {@code user} may not make this call */
  static void authorize(AccessControl access, String user, String method, List<String> path,
      Map<String, String> params) {
    AccessControl.User u = access.user(user).orElseThrow(() -> refused("Login failed"));
    if (u.tags().stream().noneMatch(MANAGEMENT_TAGS::contains)) {
      throw refused("Not management user");
    }
    if (u.hasTag(AccessControl.ADMINISTRATOR)) {
      return;
    }
    boolean read = method.equals("GET") || method.equals("HEAD");
    String top = path.isEmpty() ? "" : path.get(0);
    boolean vhostChange = top.equals("vhosts") && (!read || path.size() > 2);
    if (ADMINISTRATOR_PATHS.contains(top) || vhostChange) {
      throw refused("Not administrator user");
    }
    String vhost = params.get("vhost");
    if (vhost != null && access.permission(user, vhost).isEmpty()) {
      throw refused("User not authorised to access virtual host");
    }
  }

  private static ApiException refused(String reason) {
    return new ApiException(401, "not_authorised", reason);
  }
}
