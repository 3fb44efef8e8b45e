package lazymm.model.litmus;

import java.util.ArrayList;
import java.util.List;

/**
 * The tokens of an LKMM C litmus file: identifiers, integers (decimal or 0x hex), strings, and
 * the punctuation of C and of herd7's final clause ({@code /\ \/ =>}). Skips {@code //} and
 * {@code /* *}{@code /} comments everywhere, and herd7's {@code (* ... *)} comments (nested, as in
 * OCaml) outside braces, where they cannot be confused with C's {@code (*p)}.
 *
 * <p>Line and column are 1-based; a tab counts as one column.
 */
final class Lexer {

    enum T { IDENT, NUM, PUNCT, STRING, EOF }

    /** A token; {@code end} is the position just after it (where a missing ';' belongs). */
    record Token(T kind, String text, Ast.Pos pos, Ast.Pos end, int from, int to) {
        boolean is(String s) { return (kind == T.PUNCT || kind == T.IDENT) && text.equals(s); }

        /** How the token reads in an error message. */
        String show() {
            return switch (kind) {
                case EOF -> "end of file";
                case STRING -> "a string";
                default -> "'" + text + "'";
            };
        }
    }

    private static final String[] PUNCT = {"/\\", "\\/", "=>", "==", "!=", "<=", ">=", "&&", "||",
            "{", "}", "(", ")", "[", "]", ";", ",", ":", "*", "&", "=", "<", ">", "+", "-", "|", "^",
            "!", "~"};

    private final String file;
    private final String src;
    private int pos;
    private int line = 1;
    private int col = 1;
    private int braces;
    private final List<Token> ahead = new ArrayList<>();
    private Token last;
    private final List<String> comments = new ArrayList<>();

    Lexer(String file, String src) {
        this.file = file;
        this.src = src;
    }

    /** The texts of the {@code (* ... *)} comments read so far. */
    List<String> comments() { return comments; }

    LitmusError error(Ast.Pos p, String what) { return new LitmusError(file, p, what); }

    private Ast.Pos here() { return new Ast.Pos(line, col); }

    private void advance() {
        if (src.charAt(pos) == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
        pos++;
    }

    private boolean at(String s) { return src.startsWith(s, pos); }

    private void skip() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (Character.isWhitespace(c)) {
                advance();
            } else if (at("//")) {
                while (pos < src.length() && src.charAt(pos) != '\n') advance();
            } else if (at("/*")) {
                Ast.Pos start = here();
                advance();
                advance();
                while (pos < src.length() && !at("*/")) advance();
                if (pos >= src.length()) throw error(start, "unterminated comment: '/*' without '*/'");
                advance();
                advance();
            } else if (braces == 0 && at("(*")) {
                Ast.Pos start = here();
                int from = pos;
                int depth = 0;
                do {
                    if (at("(*")) {
                        depth++;
                        advance();
                    } else if (at("*)")) {
                        depth--;
                        advance();
                    }
                    if (pos >= src.length()) throw error(start, "unterminated comment: '(*' without '*)'");
                    advance();
                } while (depth > 0);
                comments.add(src.substring(from, pos));
            } else {
                return;
            }
        }
    }

    /**
     * The next run of non-blank characters, read raw (the {@code C name} header, where names such
     * as {@code Z6.0+pooncelock} are not C tokens); empty at the end of the file.
     */
    String rawWord() {
        if (!ahead.isEmpty()) throw new IllegalStateException("rawWord after lookahead");
        skip();
        int from = pos;
        while (pos < src.length() && !Character.isWhitespace(src.charAt(pos))) advance();
        return src.substring(from, pos);
    }

    /** The position of the next raw word or token. */
    Ast.Pos position() {
        if (!ahead.isEmpty()) return ahead.get(0).pos();
        skip();
        return here();
    }

    Token peek() { return peek(0); }

    Token peek(int k) {
        while (ahead.size() <= k) ahead.add(lex());
        return ahead.get(k);
    }

    Token next() {
        Token t = peek();
        ahead.remove(0);
        last = t;
        return t;
    }

    /** Where the last token taken by {@link #next} ends (1:1 before any). */
    Ast.Pos lastEnd() { return last == null ? new Ast.Pos(1, 1) : last.end(); }

    private Token lex() {
        skip();
        Ast.Pos p = here();
        if (pos >= src.length()) return new Token(T.EOF, "", p, p, pos, pos);
        char c = src.charAt(pos);
        int from = pos;
        if (Character.isLetter(c) || c == '_') {
            while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) advance();
            return token(T.IDENT, from, p);
        }
        if (Character.isDigit(c)) {
            if (at("0x") || at("0X")) {
                advance();
                advance();
            }
            while (pos < src.length() && Character.isLetterOrDigit(src.charAt(pos))) advance();
            return token(T.NUM, from, p);
        }
        if (c == '"') {
            advance();
            while (pos < src.length() && src.charAt(pos) != '"' && src.charAt(pos) != '\n') advance();
            if (pos >= src.length() || src.charAt(pos) != '"') throw error(p, "unterminated string");
            advance();
            return token(T.STRING, from, p);
        }
        for (String s : PUNCT) {
            if (at(s)) {
                for (int i = 0; i < s.length(); i++) advance();
                if (s.equals("{")) braces++;
                if (s.equals("}") && braces > 0) braces--;
                return token(T.PUNCT, from, p);
            }
        }
        throw error(p, "unexpected character '" + c + "'");
    }

    private Token token(T kind, int from, Ast.Pos p) {
        return new Token(kind, src.substring(from, pos), p, here(), from, pos);
    }

    /** The source text from offset {@code from} to {@code to}. */
    String source(int from, int to) { return src.substring(from, to); }

    /** The value of a NUM token. */
    long number(Token t) {
        try {
            String s = t.text();
            if (s.startsWith("0x") || s.startsWith("0X")) return Long.parseLong(s.substring(2), 16);
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw error(t.pos(), "malformed number '" + t.text() + "'");
        }
    }
}
