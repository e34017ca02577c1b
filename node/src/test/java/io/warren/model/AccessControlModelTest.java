package io.warren.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.model.AccessControl.Kind;
import io.warren.protocol.ReplyCode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Users and permissions in the pure model: the commands, their refusals, what they report. */
class AccessControlModelTest {
  /** RabbitMQ 3.10's hash of "guest" (rabbitmqctl export), to check the format is the same. */
  private static final String RABBIT_GUEST_HASH = "RfxDKLwJPOQ/7DyKV4zWFY/7FDtaIt8ws1eztyFw8Z3mPun9";

  private final Broker broker = new Broker();
  private final List<String> changes = new ArrayList<>();
  private long index;

  AccessControlModelTest() {
    broker.setChanges(new Changes() {
      @Override
      public void userSet(AccessControl.User user) {
        changes.add("user " + user.name() + " " + user.tags());
      }

      @Override
      public void userRemoved(String user) {
        changes.add("-user " + user);
      }

      @Override
      public void permissionSet(AccessControl.Permission p) {
        changes.add("perm " + p.user() + "@" + p.vhost());
      }

      @Override
      public void permissionCleared(AccessControl.Permission p) {
        changes.add("-perm " + p.user() + "@" + p.vhost());
      }

      @Override
      public void topicPermissionCleared(AccessControl.TopicPermission t) {
        changes.add("-topic " + t.user() + "@" + t.vhost() + "/" + t.exchange());
      }

      @Override
      public void vhostRemoved(String vhost) {
        changes.add("-vhost " + vhost);
      }
    });
  }

  private Result apply(Command c) {
    return broker.apply(new Meta(++index, 0), c);
  }

  private static String hash(String password) {
    return PasswordHash.of(password, new byte[] {1, 2, 3, 4});
  }

  @Test
  void hashesAreRabbitMqsSha256Format() {
    assertThat(PasswordHash.matches(RABBIT_GUEST_HASH, "guest")).isTrue();
    assertThat(PasswordHash.matches(RABBIT_GUEST_HASH, "Guest")).isFalse();
    assertThat(PasswordHash.matches(hash("pw"), "pw")).isTrue();
    assertThat(PasswordHash.matches("", "")).isFalse(); // no password: no password login
    assertThat(PasswordHash.isValid("not base64!")).isFalse();
  }

  @Test
  void regexesAreFoundAnywhereAndTheEmptyOneMatchesNothingButEmpty() {
    assertThat(AccessControl.Regex.of("q").permits("my-queue")).isTrue();
    assertThat(AccessControl.Regex.of("^q").permits("my-queue")).isFalse();
    assertThat(AccessControl.Regex.of("").permits("q")).isFalse();
    assertThat(AccessControl.Regex.of("").permits("")).isTrue();
  }

  @Test
  void theDefaultUserIsAddedOnlyToAStoreWithoutUsers() {
    apply(new Command.AddDefaultUser("guest", hash("guest")));
    AccessControl a = broker.access();
    assertThat(a.user("guest").orElseThrow().tags()).containsExactly("administrator");
    assertThat(a.permission("guest", "/").orElseThrow().permits(Kind.CONFIGURE, "anything")).isTrue();

    apply(new Command.DeleteUser("guest"));
    apply(new Command.PutUser("alice", hash("a"), List.of()));
    apply(new Command.AddDefaultUser("guest", hash("guest")));
    assertThat(broker.access().user("guest")).isEmpty();
  }

  @Test
  void permissionsNeedAnExistingUserAndVhostAndValidRegexes() {
    apply(new Command.PutUser("alice", hash("a"), List.of("management")));
    assertThat(apply(new Command.SetPermissions("bob", "/", ".*", ".*", ".*")).reply())
        .isEqualTo(new Reply.Failure(ReplyCode.NOT_FOUND, "no_such_user: 'bob'"));
    assertThat(apply(new Command.SetPermissions("alice", "nope", ".*", ".*", ".*")).reply())
        .isEqualTo(new Reply.Failure(ReplyCode.NOT_FOUND, "no_such_vhost: 'nope'"));
    AccessControl before = broker.access();
    assertThat(apply(new Command.SetPermissions("alice", "/", "(", ".*", ".*")).reply().isFailure()).isTrue();
    assertThat(broker.access()).isSameAs(before);
    assertThat(apply(new Command.PutUser("bob", "not a hash", List.of())).reply().isFailure()).isTrue();
  }

  @Test
  void changingAPasswordOrTagsKeepsTheRest() {
    apply(new Command.PutUser("alice", hash("a"), List.of("management")));
    apply(new Command.SetUserTags("alice", List.of("monitoring")));
    apply(new Command.ChangePassword("alice", hash("b")));
    apply(new Command.PutUser("alice", null, List.of("administrator")));
    AccessControl.User alice = broker.access().user("alice").orElseThrow();
    assertThat(PasswordHash.matches(alice.passwordHash(), "b")).isTrue();
    assertThat(alice.tags()).containsExactly("administrator");
    assertThat(apply(new Command.ChangePassword("nobody", hash("x"))).reply().isFailure()).isTrue();
  }

  @Test
  void deletingAUserRemovesItsPermissionsAndClosesItsConnections() {
    apply(new Command.PutUser("alice", hash("a"), List.of()));
    apply(new Command.SetPermissions("alice", "/", ".*", ".*", ".*"));
    apply(new Command.SetTopicPermissions("alice", "/", "amq.topic", "^a", "^a"));
    apply(new Command.OpenConnection(7, "/", "alice"));
    apply(new Command.OpenConnection(8, "/", "bob"));
    changes.clear();

    Result r = apply(new Command.DeleteUser("alice"));
    assertThat(r.effects()).containsExactly(new Effect.ConnectionRevoked(7, "user 'alice' is deleted"));
    assertThat(changes).containsExactly("-perm alice@/", "-topic alice@//amq.topic", "-user alice");
    assertThat(broker.access().permissions()).isEmpty();
    assertThat(broker.connectionCount()).isEqualTo(1);
  }

  @Test
  void deletingAVhostRemovesItsObjectsPermissionsAndConnections() {
    apply(new Command.AddVhost("v"));
    apply(new Command.PutUser("alice", hash("a"), List.of()));
    apply(new Command.SetPermissions("alice", "v", ".*", ".*", ".*"));
    apply(new Command.SetPermissions("alice", "/", ".*", ".*", ".*"));
    apply(new Command.OpenConnection(7, "v", "alice"));
    apply(new Command.OpenConnection(8, "/", "alice"));
    QueueName q = new QueueName("v", "q");
    ExchangeName x = new ExchangeName("v", "x");
    apply(new Command.DeclareQueue(q, false, true, false, false, Arguments.EMPTY, 8, false));
    apply(new Command.DeclareExchange(x, "fanout", false, true, false, false, Arguments.EMPTY));
    apply(new Command.Bind(x, q, "", Arguments.EMPTY, 8));
    changes.clear();

    Result r = apply(new Command.DeleteVhost("v"));
    assertThat(r.effects()).containsExactly(new Effect.ConnectionRevoked(7, "vhost 'v' is deleted"));
    assertThat(broker.vhost("v")).isEmpty();
    assertThat(broker.access().permission("alice", "v")).isEmpty();
    assertThat(broker.access().permission("alice", "/")).isPresent();
    assertThat(changes).containsSubsequence("-perm alice@v", "-vhost v");
    assertThat(apply(new Command.DeleteVhost("v")).reply())
        .isEqualTo(new Reply.Failure(ReplyCode.NOT_ALLOWED, "vhost v not found"));
    apply(new Command.AddVhost("v"));
    assertThat(broker.queue(q)).isEmpty();
    assertThat(broker.exchange(x)).isEmpty();
  }

  @Test
  void topicPermissionsRestrictOnlyTheirExchange() {
    apply(new Command.PutUser("alice", hash("a"), List.of()));
    apply(new Command.SetTopicPermissions("alice", "/", "amq.topic", "^a\\.", "^r\\."));
    AccessControl a = broker.access();
    assertThat(a.permitsTopic("alice", "/", "amq.topic", Kind.WRITE, "a.b")).isTrue();
    assertThat(a.permitsTopic("alice", "/", "amq.topic", Kind.WRITE, "b.a")).isFalse();
    assertThat(a.permitsTopic("alice", "/", "amq.topic", Kind.READ, "r.x")).isTrue();
    assertThat(a.permitsTopic("alice", "/", "other", Kind.WRITE, "b.a")).isTrue();
    apply(new Command.ClearTopicPermissions("alice", "/", null));
    assertThat(broker.access().topicPermissions()).isEmpty();
  }
}
