package io.warren.node.amqp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.model.AccessControl;
import io.warren.model.PasswordHash;
import io.warren.node.config.WarrenConfig;
import io.warren.protocol.types.FieldTable;
import io.warren.protocol.types.LongString;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * Checks a login from connection.start-ok: PLAIN ({@code \0user\0password}) or AMQPLAIN (a field
 * table without its length, with LOGIN and PASSWORD), against the users of the replicated access
 * control ({@link AccessControl}: password hashes as RabbitMQ's); users listed in {@code
 * loopback-users} may connect from loopback addresses only, as in RabbitMQ. The management API
 * checks HTTP basic auth here too ({@link #verify}).
 */
public final class Authenticator {
  static final String MECHANISMS = "PLAIN AMQPLAIN";

  /** A login attempt's outcome: the user name when accepted, else why not (for the log). */
  public record Outcome(String user, String refusal) {
    public boolean accepted() {
      return refusal == null;
    }
  }

  private final Supplier<AccessControl> access;
  private final List<String> loopbackUsers;

  public Authenticator(WarrenConfig config, Supplier<AccessControl> access) {
    this.access = access;
    this.loopbackUsers = config.get(WarrenConfig.LOOPBACK_USERS);
  }

  /** Users and permissions as last applied. */
  public AccessControl access() {
    return access.get();
  }

  static boolean supports(String mechanism) {
    return mechanism.equals("PLAIN") || mechanism.equals("AMQPLAIN");
  }

  Outcome authenticate(String mechanism, LongString response, SocketAddress remote) {
    String[] credentials = mechanism.equals("PLAIN") ? plain(response.bytes()) : amqplain(response.bytes());
    if (credentials == null) {
      return new Outcome(null, "malformed " + mechanism + " response");
    }
    return verify(credentials[0], credentials[1], remote);
  }

  /** Checks a user name and password sent from {@code remote}, whatever the protocol. */
  public Outcome verify(String login, String pass, SocketAddress remote) {
    boolean ok = access.get().user(login).map(u -> PasswordHash.matches(u.passwordHash(), pass)).orElse(false);
    if (!ok) {
      return new Outcome(login, "invalid credentials for user '" + login + "'");
    }
    if (loopbackUsers.contains(login) && !isLoopback(remote)) {
      return new Outcome(login, "user '" + login + "' can only connect via localhost");
    }
    return new Outcome(login, null);
  }

  private static String[] plain(byte[] r) {
    // [authzid] \0 authcid \0 password
    int first = indexOf(r, 0);
    int second = first < 0 ? -1 : indexOf(r, first + 1);
    if (second < 0) {
      return null;
    }
    return new String[] {
      new String(r, first + 1, second - first - 1, StandardCharsets.UTF_8),
      new String(r, second + 1, r.length - second - 1, StandardCharsets.UTF_8)
    };
  }

  private static int indexOf(byte[] r, int from) {
    for (int i = from; i < r.length; i++) {
      if (r[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  private static String[] amqplain(byte[] r) {
    ByteBuf buf = Unpooled.buffer(r.length + 4);
    try {
      buf.writeInt(r.length).writeBytes(r);
      FieldTable t = FieldTable.decode(buf);
      String login = text(t, "LOGIN");
      String pass = text(t, "PASSWORD");
      return login == null || pass == null ? null : new String[] {login, pass};
    } catch (RuntimeException e) {
      return null;
    } finally {
      buf.release();
    }
  }

  private static String text(FieldTable t, String key) {
    Object v = t.get(key) == null ? null : t.get(key).toJava();
    return v == null ? null : v.toString();
  }

  private static boolean isLoopback(SocketAddress remote) {
    if (remote instanceof InetSocketAddress inet) {
      InetAddress a = inet.getAddress();
      return a != null && a.isLoopbackAddress();
    }
    return true; // local transports (embedded tests) count as loopback
  }
}
