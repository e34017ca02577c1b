package io.warren.node.management;

import java.util.List;
import java.util.Map;

/**
 * {@code /api/users}, {@code /api/permissions}, {@code /api/whoami}: what exists, read-only. The
 * node has its default user only, an administrator allowed everything on every vhost.
 */
final class AccessApi {
  private final BrokerAccess broker;
  private final Users users;

  AccessApi(BrokerAccess broker, Users users) {
    this.broker = broker;
    this.users = users;
  }

  void register(Routes routes) {
    routes.get("whoami", r -> ApiResponse.ok(Json.obj("name", r.user(), "tags", users.find(r.user()).tags())))
        .get("users", r -> ApiResponse.ok(users.all().stream().map(Users::json).toList()))
        .get("users/{user}", r -> ApiResponse.ok(Users.json(users.find(r.param("user")))))
        .get("users/{user}/permissions", r -> {
          String user = users.find(r.param("user")).name();
          return ApiResponse.ok(vhostNames().stream().map(v -> Users.permission(user, v)).toList());
        })
        .get("permissions", r -> ApiResponse.ok(all()))
        .get("vhosts/{vhost}/permissions", r -> {
          String vhost = r.param("vhost");
          broker.topology().vhostOrNotFound(vhost);
          return ApiResponse.ok(users.all().stream().map(u -> Users.permission(u.name(), vhost)).toList());
        })
        .get("permissions/{vhost}/{user}", r -> {
          String vhost = r.param("vhost");
          broker.topology().vhostOrNotFound(vhost);
          return ApiResponse.ok(Users.permission(users.find(r.param("user")).name(), vhost));
        })
        .get("topic-permissions", r -> ApiResponse.ok(List.of()));
  }

  private List<String> vhostNames() {
    return broker.topology().vhosts().stream().map(Topology.Vhost::name).toList();
  }

  /** Every user's permissions on every vhost. */
  List<Map<String, Object>> all() {
    List<String> vhosts = vhostNames();
    return users.all().stream().flatMap(u -> vhosts.stream().map(v -> Users.permission(u.name(), v))).toList();
  }
}
