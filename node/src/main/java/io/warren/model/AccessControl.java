package io.warren.model;

import io.warren.model.Command.AccessCommand;
import io.warren.model.Command.AddDefaultUser;
import io.warren.model.Command.ChangePassword;
import io.warren.model.Command.ClearPermissions;
import io.warren.model.Command.ClearTopicPermissions;
import io.warren.model.Command.DeleteUser;
import io.warren.model.Command.PutUser;
import io.warren.model.Command.SetPermissions;
import io.warren.model.Command.SetTopicPermissions;
import io.warren.model.Command.SetUserTags;
import io.warren.protocol.ReplyCode;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Users, their tags and permissions, as RabbitMQ's internal authorisation backend keeps them: per
 * user and vhost three regular expressions (configure, write, read) over resource names, and per
 * user, vhost and exchange two (write, read) over routing keys. An immutable value: every change
 * makes a new one, so other threads (logins, permission checks on the publish path) read a
 * consistent copy without locks, with the expressions compiled once.
 */
public final class AccessControl {
  public static final AccessControl EMPTY = new AccessControl(new TreeMap<>(), new TreeMap<>(), new TreeMap<>());

  /** The tag that allows everything in the management API. */
  public static final String ADMINISTRATOR = "administrator";

  public record User(String name, String passwordHash, List<String> tags) {
    public User {
      tags = List.copyOf(tags);
    }

    public boolean hasTag(String tag) {
      return tags.contains(tag);
    }
  }

  /**
   * A permission regular expression as RabbitMQ applies it: it matches when it is found anywhere
   * in the name (not anchored), and the empty expression matches only the empty name.
   */
  public record Regex(String source, Pattern pattern) {
    public static Regex of(String source) {
      try {
        return new Regex(source, Pattern.compile(source.isEmpty() ? "^$" : source));
      } catch (PatternSyntaxException e) {
        throw new AmqpFailure(ReplyCode.PRECONDITION_FAILED, "invalid regular expression '" + source + "'");
      }
    }

    public boolean permits(String name) {
      return pattern.matcher(name).find();
    }
  }

  /** The three kinds of access RabbitMQ checks on resources. */
  public enum Kind {
    CONFIGURE,
    WRITE,
    READ;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * The name a resource's permission is checked against: its own, but {@code amq.default} for the
   * default exchange, as in RabbitMQ.
   */
  public static String checkedName(Resource resource) {
    return resource instanceof ExchangeName x && x.isDefault() ? "amq.default" : resource.name();
  }

  /** RabbitMQ's text for a refused resource permission (after {@code ACCESS_REFUSED - }). */
  public static String refusal(Resource resource, String user) {
    return "access to " + resource.kind() + " '" + checkedName(resource) + "' in vhost '" + resource.vhost()
        + "' refused for user '" + user + "'";
  }

  public record Permission(String user, String vhost, Regex configure, Regex write, Regex read) {
    /** Whether {@code kind} is allowed on the resource (named as {@link #checkedName} says). */
    public boolean permits(Kind kind, Resource resource) {
      return permits(kind, checkedName(resource));
    }

    /** Whether {@code kind} is allowed on a resource by its {@link #checkedName}. */
    public boolean permits(Kind kind, String name) {
      return switch (kind) {
        case CONFIGURE -> configure.permits(name);
        case WRITE -> write.permits(name);
        case READ -> read.permits(name);
      };
    }
  }

  public record TopicPermission(String user, String vhost, String exchange, Regex write, Regex read) {}

  /** Keys order lists by vhost, then user (then exchange), as RabbitMQ's API lists them. */
  private record Grant(String vhost, String user, String exchange) implements Comparable<Grant> {
    private static final Comparator<Grant> ORDER = Comparator.comparing(Grant::vhost).thenComparing(Grant::user)
        .thenComparing(Grant::exchange);

    @Override
    public int compareTo(Grant o) {
      return ORDER.compare(this, o);
    }
  }

  private final TreeMap<String, User> users;
  private final TreeMap<Grant, Permission> permissions;
  private final TreeMap<Grant, TopicPermission> topicPermissions;

  private AccessControl(TreeMap<String, User> users, TreeMap<Grant, Permission> permissions,
      TreeMap<Grant, TopicPermission> topicPermissions) {
    this.users = users;
    this.permissions = permissions;
    this.topicPermissions = topicPermissions;
  }

  // ------------------------------------------------------------------ reading

  public Optional<User> user(String name) {
    return Optional.ofNullable(users.get(name));
  }

  /** Every user, by name. */
  public Collection<User> users() {
    return Collections.unmodifiableCollection(users.values());
  }

  public Optional<Permission> permission(String user, String vhost) {
    return Optional.ofNullable(permissions.get(new Grant(vhost, user, "")));
  }

  /** Every permission, by vhost then user. */
  public Collection<Permission> permissions() {
    return Collections.unmodifiableCollection(permissions.values());
  }

  public Optional<TopicPermission> topicPermission(String user, String vhost, String exchange) {
    return Optional.ofNullable(topicPermissions.get(new Grant(vhost, user, exchange)));
  }

  /** Every topic permission, by vhost, user, exchange. */
  public Collection<TopicPermission> topicPermissions() {
    return Collections.unmodifiableCollection(topicPermissions.values());
  }

  /**
   * Whether {@code user} may publish with {@code routingKey} through {@code exchange} (write) or
   * bind with it as binding key (read): allowed unless a topic permission for that exchange says
   * otherwise, as in RabbitMQ.
   */
  public boolean permitsTopic(String user, String vhost, String exchange, Kind kind, String routingKey) {
    TopicPermission t = topicPermissions.isEmpty() ? null : topicPermissions.get(new Grant(vhost, user, exchange));
    if (t == null) {
      return true;
    }
    return kind == Kind.READ ? t.read().permits(routingKey) : t.write().permits(routingKey);
  }

  // ------------------------------------------------------------------ changing

  /**
   * The access control after {@code command}.
   *
   * @param vhostExists which vhosts exist (permissions are on existing vhosts only)
   * @param changes told of each change, for the durable records
   * @throws AmqpFailure when the command is refused; nothing changed then
   */
  AccessControl apply(AccessCommand command, Predicate<String> vhostExists, Changes changes) {
    if (command instanceof PutUser c) {
      User old = users.get(c.name());
      String hash = c.passwordHash() != null ? checkedHash(c.passwordHash()) : old == null ? "" : old.passwordHash();
      return withUser(new User(c.name(), hash, c.tags()), changes);
    } else if (command instanceof ChangePassword c) {
      User old = existing(c.name());
      return withUser(new User(old.name(), checkedHash(c.passwordHash()), old.tags()), changes);
    } else if (command instanceof SetUserTags c) {
      User old = existing(c.name());
      return withUser(new User(old.name(), old.passwordHash(), c.tags()), changes);
    } else if (command instanceof DeleteUser c) {
      existing(c.name());
      return without(g -> g.user().equals(c.name()), c.name(), changes);
    } else if (command instanceof SetPermissions c) {
      existing(c.user());
      checkVhost(c.vhost(), vhostExists);
      Permission p = new Permission(c.user(), c.vhost(), Regex.of(c.configure()), Regex.of(c.write()),
          Regex.of(c.read()));
      TreeMap<Grant, Permission> next = new TreeMap<>(permissions);
      next.put(new Grant(c.vhost(), c.user(), ""), p);
      changes.permissionSet(p);
      return new AccessControl(users, next, topicPermissions);
    } else if (command instanceof ClearPermissions c) {
      existing(c.user());
      checkVhost(c.vhost(), vhostExists);
      Grant key = new Grant(c.vhost(), c.user(), "");
      if (!permissions.containsKey(key)) {
        return this;
      }
      TreeMap<Grant, Permission> next = new TreeMap<>(permissions);
      changes.permissionCleared(next.remove(key));
      return new AccessControl(users, next, topicPermissions);
    } else if (command instanceof SetTopicPermissions c) {
      existing(c.user());
      checkVhost(c.vhost(), vhostExists);
      TopicPermission t = new TopicPermission(c.user(), c.vhost(), c.exchange(), Regex.of(c.write()),
          Regex.of(c.read()));
      TreeMap<Grant, TopicPermission> next = new TreeMap<>(topicPermissions);
      next.put(new Grant(c.vhost(), c.user(), c.exchange()), t);
      changes.topicPermissionSet(t);
      return new AccessControl(users, permissions, next);
    } else if (command instanceof ClearTopicPermissions c) {
      existing(c.user());
      checkVhost(c.vhost(), vhostExists);
      TreeMap<Grant, TopicPermission> next = new TreeMap<>(topicPermissions);
      next.values().removeIf(t -> {
        boolean gone = t.user().equals(c.user()) && t.vhost().equals(c.vhost())
            && (c.exchange() == null || t.exchange().equals(c.exchange()));
        if (gone) {
          changes.topicPermissionCleared(t);
        }
        return gone;
      });
      return new AccessControl(users, permissions, next);
    } else if (command instanceof AddDefaultUser c) {
      if (!users.isEmpty()) {
        return this;
      }
      AccessControl withUser = withUser(new User(c.name(), checkedHash(c.passwordHash()), List.of(ADMINISTRATOR)),
          changes);
      if (!vhostExists.test(Broker.DEFAULT_VHOST)) {
        return withUser;
      }
      return withUser.apply(new SetPermissions(c.name(), Broker.DEFAULT_VHOST, ".*", ".*", ".*"), vhostExists,
          changes);
    }
    throw new IllegalArgumentException("unknown access command " + command);
  }

  /** Without the vhost's permissions and topic permissions: the vhost was deleted. */
  AccessControl withoutVhost(String vhost, Changes changes) {
    return without(g -> g.vhost().equals(vhost), null, changes);
  }

  private AccessControl withUser(User user, Changes changes) {
    TreeMap<String, User> next = new TreeMap<>(users);
    next.put(user.name(), user);
    changes.userSet(user);
    return new AccessControl(next, permissions, topicPermissions);
  }

  /** Without the grants {@code gone} selects, and without user {@code user} when not null. */
  private AccessControl without(Predicate<Grant> gone, String user, Changes changes) {
    TreeMap<Grant, Permission> nextPermissions = new TreeMap<>(permissions);
    nextPermissions.entrySet().removeIf(e -> {
      boolean remove = gone.test(e.getKey());
      if (remove) {
        changes.permissionCleared(e.getValue());
      }
      return remove;
    });
    TreeMap<Grant, TopicPermission> nextTopics = new TreeMap<>(topicPermissions);
    nextTopics.entrySet().removeIf(e -> {
      boolean remove = gone.test(e.getKey());
      if (remove) {
        changes.topicPermissionCleared(e.getValue());
      }
      return remove;
    });
    TreeMap<String, User> nextUsers = users;
    if (user != null) {
      nextUsers = new TreeMap<>(users);
      nextUsers.remove(user);
      changes.userRemoved(user);
    }
    return new AccessControl(nextUsers, nextPermissions, nextTopics);
  }

  private User existing(String name) {
    User u = users.get(name);
    if (u == null) {
      throw new AmqpFailure(ReplyCode.NOT_FOUND, "no_such_user: '" + name + "'");
    }
    return u;
  }

  private static void checkVhost(String vhost, Predicate<String> vhostExists) {
    if (!vhostExists.test(vhost)) {
      throw new AmqpFailure(ReplyCode.NOT_FOUND, "no_such_vhost: '" + vhost + "'");
    }
  }

  private static String checkedHash(String hash) {
    if (!PasswordHash.isValid(hash)) {
      throw new AmqpFailure(ReplyCode.PRECONDITION_FAILED, "invalid password hash");
    }
    return hash;
  }

  /** For tests and logs: the users' names. */
  @Override
  public String toString() {
    return "AccessControl" + users.keySet() + " " + permissions.size() + " permissions, " + topicPermissions.size()
        + " topic permissions";
  }
}
