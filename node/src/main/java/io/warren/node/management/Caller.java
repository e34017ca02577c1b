package io.warren.node.management;

import io.warren.model.AccessControl;
import io.warren.model.AccessControl.Kind;
import io.warren.model.AccessControl.Permission;
import io.warren.model.Resource;
import io.warren.protocol.ReplyCode;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Who makes an API call, and what RabbitMQ 3.10's management plugin lets such a user see: its tags
 * and its permissions by vhost (the vhosts it has one on are RabbitMQ's "login vhosts").
 *
 * <p>As in RabbitMQ, {@code monitoring} widens only the view of vhosts themselves, of clients
 * (connections, channels, consumers) and of nodes; a vhost's objects (queues, exchanges, bindings,
 * policies) stay limited to the login vhosts for every user but an administrator.
 *
 * <p>Changing an object ({@link #require}) needs, as over AMQP, the permission's configure, write or
 * read expression to match its name, for administrators too.
 */
record Caller(String name, Set<String> tags, Map<String, Permission> permissions) {
  static final String MONITORING = "monitoring";
  static final String POLICYMAKER = "policymaker";

  Caller {
    tags = Set.copyOf(tags);
    permissions = Map.copyOf(permissions);
  }

  static Caller of(AccessControl access, AccessControl.User user) {
    Map<String, Permission> permissions = access.permissions().stream()
        .filter(p -> p.user().equals(user.name()))
        .collect(Collectors.toMap(Permission::vhost, Function.identity()));
    return new Caller(user.name(), Set.copyOf(user.tags()), permissions);
  }

  /**
   * How RabbitMQ's management plugin answers an operation the caller's permission refuses: it runs
   * the operation over an AMQP channel of the caller's, and each endpoint turns the channel's
   * error into its own answer (checked against RabbitMQ 3.10.8).
   */
  enum Refusal {
    /** Declare, delete, purge, bind, unbind: {@code 401 Access refused.} */
    ACCESS_REFUSED,
    /** Get: {@code 401} with the channel's reason, {@code ACCESS_REFUSED - access to queue ...}. */
    CHANNEL_REASON,
    /** Publish: as any refused publish, {@code 400 "403 ACCESS_REFUSED - access to exchange ..."}. */
    BAD_REQUEST;

    ApiException exception(Resource resource, String user) {
      String text = ReplyCode.ACCESS_REFUSED.textName() + " - " + AccessControl.refusal(resource, user);
      return switch (this) {
        case ACCESS_REFUSED -> ApiAuthorization.refused("Access refused.");
        case CHANNEL_REASON -> ApiAuthorization.refused(text);
        case BAD_REQUEST -> ApiException.badRequest(ReplyCode.ACCESS_REFUSED.code() + " " + text);
      };
    }
  }

  /**
   * @throws ApiException as {@code refusal} says unless the caller's permission on the resource's
   *     vhost allows {@code kind} on it (the expressions AMQP checks, {@link Permission#permits}),
   *     administrators included; without any permission on the vhost always {@code 401 Access
   *     refused.}, as RabbitMQ cannot open the channel then
   */
  void require(Kind kind, Resource resource, Refusal refusal) {
    Permission permission = permissions.get(resource.vhost());
    if (permission == null) {
      throw Refusal.ACCESS_REFUSED.exception(resource, name);
    }
    if (!permission.permits(kind, resource)) {
      throw refusal.exception(resource, name);
    }
  }

  boolean administrator() {
    return tags.contains(AccessControl.ADMINISTRATOR);
  }

  /** RabbitMQ's {@code is_monitor}: monitoring or administrator. */
  boolean monitor() {
    return administrator() || tags.contains(MONITORING);
  }

  /** RabbitMQ's {@code is_policymaker}: policymaker or administrator. */
  boolean policymaker() {
    return administrator() || tags.contains(POLICYMAKER);
  }

  /** Whether the vhost's objects may be read and changed (a path naming it, rows of its objects). */
  boolean reaches(String vhost) {
    return administrator() || permissions.containsKey(vhost);
  }

  /** Whether the vhost is listed in {@code /api/vhosts}: monitoring users see them all. */
  boolean seesVhost(String vhost) {
    return monitor() || permissions.containsKey(vhost);
  }

  /** Whether a client (connection, channel, consumer) of {@code user} is shown: one's own, or all to monitors. */
  boolean seesClientsOf(String user) {
    return monitor() || name.equals(user);
  }

  /** Whether a client of {@code user} may be closed: one's own, or all to administrators. */
  boolean closesClientsOf(String user) {
    return administrator() || name.equals(user);
  }
}
