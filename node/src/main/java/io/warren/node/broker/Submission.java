package io.warren.node.broker;

import io.warren.model.Command;
import java.util.Objects;

/** A command and who wants its reply ({@code onReply} may be null: nobody waits for it). */
public record Submission(Command command, ReplyHandler onReply) {
  public Submission {
    Objects.requireNonNull(command);
  }
}
