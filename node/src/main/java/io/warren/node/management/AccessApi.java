package io.warren.node.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.model.AccessControl;
import io.warren.model.Command;
import io.warren.model.Reply;
import io.warren.protocol.ReplyCode;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code /api/users}, {@code /api/permissions}, {@code /api/topic-permissions}, {@code
 * /api/whoami}: users and permissions, listed from the node's copy of the access control and
 * changed through the metadata group, with RabbitMQ's paths, bodies and answers. Who may call what
 * is decided before ({@link ApiAuthorization}).
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
        .get("users", r -> ApiResponse.ok(users.access().users().stream().map(Users::json).toList()))
        .get("users/without-permissions", r -> {
          AccessControl a = users.access();
          return ApiResponse.ok(a.users().stream()
              .filter(u -> a.permissions().stream().noneMatch(p -> p.user().equals(u.name())))
              .map(Users::json).toList());
        })
        .get("users/{user}", r -> ApiResponse.ok(Users.json(users.find(r.param("user")))))
        .put("users/{user}", r -> {
          String name = r.param("user");
          boolean existed = users.access().user(name).isPresent();
          submit(Users.putUser(name, r.jsonObject()));
          return ApiResponse.createdOrExisted(!existed);
        })
        .delete("users/{user}", r -> {
          submit(new Command.DeleteUser(users.find(r.param("user")).name()));
          return ApiResponse.NO_CONTENT;
        })
        .get("users/{user}/permissions", r -> {
          String user = users.find(r.param("user")).name();
          return ApiResponse.ok(permissions(p -> p.user().equals(user)));
        })
        .get("users/{user}/topic-permissions", r -> {
          String user = users.find(r.param("user")).name();
          return ApiResponse.ok(topicPermissions(t -> t.user().equals(user)));
        })
        .get("permissions", r -> ApiResponse.ok(permissions(p -> true)))
        .get("vhosts/{vhost}/permissions", r -> {
          String vhost = r.param("vhost");
          broker.topology().vhostOrNotFound(vhost);
          return ApiResponse.ok(permissions(p -> p.vhost().equals(vhost)));
        })
        .get("permissions/{vhost}/{user}", r -> ApiResponse.ok(Users.json(users.access()
            .permission(r.param("user"), r.param("vhost")).orElseThrow(ApiException::notFound))))
        .put("permissions/{vhost}/{user}", r -> {
          JsonNode body = r.jsonObject();
          Users.requireKeys(body, "configure", "write", "read");
          boolean existed = users.access().permission(r.param("user"), r.param("vhost")).isPresent();
          submitGrant(new Command.SetPermissions(r.param("user"), r.param("vhost"), body.get("configure").asText(),
              body.get("write").asText(), body.get("read").asText()));
          return ApiResponse.createdOrExisted(!existed);
        })
        .delete("permissions/{vhost}/{user}", r -> {
          users.access().permission(r.param("user"), r.param("vhost")).orElseThrow(ApiException::notFound);
          submit(new Command.ClearPermissions(r.param("user"), r.param("vhost")));
          return ApiResponse.NO_CONTENT;
        })
        .get("topic-permissions", r -> ApiResponse.ok(topicPermissions(t -> true)))
        .get("vhosts/{vhost}/topic-permissions", r -> {
          String vhost = r.param("vhost");
          broker.topology().vhostOrNotFound(vhost);
          return ApiResponse.ok(topicPermissions(t -> t.vhost().equals(vhost)));
        })
        .get("topic-permissions/{vhost}/{user}", r -> {
          String vhost = r.param("vhost");
          String user = r.param("user");
          List<Map<String, Object>> found = topicPermissions(t -> t.vhost().equals(vhost) && t.user().equals(user));
          if (found.isEmpty()) {
            throw ApiException.notFound();
          }
          return ApiResponse.ok(found);
        })
        .put("topic-permissions/{vhost}/{user}", r -> {
          JsonNode body = r.jsonObject();
          Users.requireKeys(body, "exchange", "write", "read");
          String exchange = body.get("exchange").asText();
          boolean existed = users.access().topicPermission(r.param("user"), r.param("vhost"), exchange).isPresent();
          submitGrant(new Command.SetTopicPermissions(r.param("user"), r.param("vhost"), exchange,
              body.get("write").asText(), body.get("read").asText()));
          return ApiResponse.createdOrExisted(!existed);
        })
        .delete("topic-permissions/{vhost}/{user}", r -> {
          String vhost = r.param("vhost");
          String user = r.param("user");
          if (topicPermissions(t -> t.vhost().equals(vhost) && t.user().equals(user)).isEmpty()) {
            throw ApiException.notFound();
          }
          submit(new Command.ClearTopicPermissions(user, vhost, null));
          return ApiResponse.NO_CONTENT;
        });
  }

  private void submit(Command command) {
    Replies.check(broker.submit(command));
  }

  /** A permission on a vhost or for a user that does not exist is RabbitMQ's 400. */
  private void submitGrant(Command command) {
    Reply reply = broker.submit(command);
    if (reply instanceof Reply.Failure f && f.code() == ReplyCode.NOT_FOUND) {
      throw ApiException.badRequest("vhost_or_user_not_found");
    }
    Replies.check(reply);
  }

  List<Map<String, Object>> permissions(Predicate<AccessControl.Permission> which) {
    return users.access().permissions().stream().filter(which).map(Users::json).toList();
  }

  List<Map<String, Object>> topicPermissions(Predicate<AccessControl.TopicPermission> which) {
    return users.access().topicPermissions().stream().filter(which).map(Users::json).toList();
  }
}
