package io.warren.node.management;

import io.warren.model.AccessControl;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who makes an API call, and what RabbitMQ 3.10's management plugin lets such a user see: its tags
 * and the vhosts it has a permission on (RabbitMQ's "login vhosts").
 *
 * <p>As in RabbitMQ, {@code monitoring} widens only the view of vhosts themselves, of clients
 * (connections, channels, consumers) and of nodes; a vhost's objects (queues, exchanges, bindings,
 * policies) stay limited to the login vhosts for every user but an administrator.
 */
record Caller(String name, Set<String> tags, Set<String> vhosts) {
  static final String MONITORING = "monitoring";
  static final String POLICYMAKER = "policymaker";

  Caller {
    tags = Set.copyOf(tags);
    vhosts = Set.copyOf(vhosts);
  }

  static Caller of(AccessControl access, AccessControl.User user) {
    Set<String> vhosts = access.permissions().stream()
        .filter(p -> p.user().equals(user.name()))
        .map(AccessControl.Permission::vhost)
        .collect(Collectors.toSet());
    return new Caller(user.name(), Set.copyOf(user.tags()), vhosts);
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
    return administrator() || vhosts.contains(vhost);
  }

  /** Whether the vhost is listed in {@code /api/vhosts}: monitoring users see them all. */
  boolean seesVhost(String vhost) {
    return monitor() || vhosts.contains(vhost);
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
