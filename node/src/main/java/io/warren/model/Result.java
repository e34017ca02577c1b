package io.warren.model;

import java.util.List;

/** What apply returns: the reply to the submitter and the effects, in the order to carry them out. */
public record Result(Reply reply, List<Effect> effects) {
  public static Result of(Reply reply) {
    return new Result(reply, List.of());
  }
}
