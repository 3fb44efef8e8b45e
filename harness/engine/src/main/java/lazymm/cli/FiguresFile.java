package lazymm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import lazymm.engine.BadInput;

/**
 * A markdown file with sections the benchmarks write ({@code ./lazymm bench --figures
 * docs/FIGURES.md}): the text between {@code <!-- NAME:begin -->} and {@code <!-- NAME:end -->}
 * is replaced by the new table, the rest of the file is left as it is. The file and its markers
 * are checked before the measurement starts, so that a run is never lost to a bad path.
 */
final class FiguresFile {

    private final Path file;
    private final String section;

    private FiguresFile(Path file, String section) {
        this.file = file;
        this.section = section;
    }

    /** The section {@code section} of {@code file}, checked now: the file is readable and writable and has both markers. */
    static FiguresFile check(Path file, String section) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new BadInput("--figures " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        if (!Files.isWritable(file)) throw new BadInput("--figures " + file + ": cannot write it");
        if (!text.contains(begin(section)) || !text.contains(end(section)) || text.indexOf(begin(section)) > text.indexOf(end(section))) {
            throw new BadInput("--figures " + file + ": it has no section " + begin(section) + " ... " + end(section)
                    + " (add the two markers where the figures go)");
        }
        return new FiguresFile(file, section);
    }

    private static String begin(String section) { return "<!-- " + section + ":begin -->"; }

    private static String end(String section) { return "<!-- " + section + ":end -->"; }

    /** Replaces the section's contents with {@code markdown}. */
    void write(String markdown) throws IOException {
        String text = Files.readString(file);
        int a = text.indexOf(begin(section)) + begin(section).length();
        int b = text.indexOf(end(section));
        String body = markdown.endsWith("\n") ? markdown : markdown + "\n";
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text.substring(0, a) + "\n" + body + text.substring(b));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
