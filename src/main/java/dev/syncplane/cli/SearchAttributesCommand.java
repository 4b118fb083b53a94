package dev.syncplane.cli;

import dev.syncplane.temporal.Names;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/** Prints the custom search attributes as {@code name=Type}, one a line, for scripts that register them. */
public class SearchAttributesCommand extends Command {
  public SearchAttributesCommand() {
    super("search-attributes", "Print the custom search attributes syncplane needs, as name=Type");
  }

  @Override
  public void configure(Subparser subparser) {}

  @Override
  public void run(Bootstrap<?> bootstrap, Namespace namespace) {
    Names.CUSTOM_SEARCH_ATTRIBUTES.forEach(System.out::println);
  }
}
