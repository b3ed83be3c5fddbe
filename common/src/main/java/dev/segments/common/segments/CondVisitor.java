package dev.segments.common.segments;

/**
 * One method per kind of {@link Cond} node: what every walk of a condition tree implements
 * (compiling it, collecting its references, its event conditions, ...). {@link Walk} visits every
 * node and combines the children's results.
 */
public interface CondVisitor<R> {
  R all(Cond.All c);

  R any(Cond.Any c);

  R not(Cond.Not c);

  R field(Cond.Field c);

  R event(Cond.Event c);

  R segmentRef(Cond.SegmentRef c);

  R userAggregate(Cond.UserAggregate c);

  R band(Cond.Band c);

  R always(Cond.True c);

  /**
   * A visitor that walks the whole tree: a leaf gives {@link #leaf}, an inner node combines its
   * children with {@link #combine}. Override a kind to answer for it (and its subtree) directly.
   */
  abstract class Walk<R> implements CondVisitor<R> {
    protected abstract R leaf(Cond c);

    protected abstract R combine(R a, R b);

    private R each(java.util.List<Cond> items, Cond self) {
      R out = leaf(self);
      for (Cond i : items) {
        out = combine(out, i.accept(this));
      }
      return out;
    }

    @Override
    public R all(Cond.All c) {
      return each(c.items(), c);
    }

    @Override
    public R any(Cond.Any c) {
      return each(c.items(), c);
    }

    @Override
    public R not(Cond.Not c) {
      return combine(leaf(c), c.item().accept(this));
    }

    @Override
    public R userAggregate(Cond.UserAggregate c) {
      return combine(leaf(c), c.users().accept(this));
    }

    @Override
    public R field(Cond.Field c) {
      return leaf(c);
    }

    @Override
    public R event(Cond.Event c) {
      return leaf(c);
    }

    @Override
    public R segmentRef(Cond.SegmentRef c) {
      return leaf(c);
    }

    @Override
    public R band(Cond.Band c) {
      return leaf(c);
    }

    @Override
    public R always(Cond.True c) {
      return leaf(c);
    }
  }
}
