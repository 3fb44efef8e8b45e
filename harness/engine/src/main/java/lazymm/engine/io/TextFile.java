package lazymm.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import lazymm.engine.BadInput;

/** Reads an input file whole, within a bound: what the command line reads never exhausts the memory. */
public final class TextFile {

    private TextFile() {}

    /**
     * The file as UTF-8 text, at most {@code maxBytes}: a larger one, one that never ends (a
     * device such as /dev/zero) or one that is not UTF-8 is a {@link BadInput} that says it is not
     * {@code what} (e.g. "a reproducer lazymm wrote"), read no further than the bound.
     */
    public static String read(Path file, long maxBytes, String what) {
        byte[] bytes;
        try (var in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
        } catch (NoSuchFileException e) {
            throw new BadInput(file + ": no such file");
        } catch (IOException e) {
            throw new BadInput(file + ": cannot read: " + e.getMessage());
        }
        if (bytes.length > maxBytes) {
            throw new BadInput(file + ": larger than " + size(maxBytes) + ", not " + what);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new BadInput(file + ": not UTF-8 text, not " + what);
        }
    }

    private static String size(long bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }
}
