import Foundation

/// BibTeX field text as plain Unicode: TeX's accents (`{\'e}`, `\"{u}`, `\c c`), special letters
/// (`\ss`, `{\o}`), escaped characters (`\&`, `\%`), dashes (`--`, `---`) and ties (`~`), with the
/// braces that only protect case dropped. A command it does not know keeps its argument.
enum TeXText {
    /// Accent commands and the combining mark each puts on the following letter.
    static let accents: [String: Character] = [
        "'": "\u{301}", "`": "\u{300}", "^": "\u{302}", "\"": "\u{308}", "~": "\u{303}", "=": "\u{304}",
        ".": "\u{307}", "u": "\u{306}", "v": "\u{30C}", "H": "\u{30B}", "c": "\u{327}", "k": "\u{328}",
        "r": "\u{30A}", "d": "\u{323}", "b": "\u{331}",
    ]
    static let letters: [String: String] = [
        "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
        "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "textendash": "–", "textemdash": "—", "textquoteright": "’",
        "textquoteleft": "‘", "textregistered": "®", "texttrademark": "™", "textdegree": "°", "textmu": "µ",
        "textalpha": "α", "textbeta": "β", "textgamma": "γ", "alpha": "α", "beta": "β", "gamma": "γ",
        "kappa": "κ", "mu": "μ", "pm": "±", "times": "×", "ge": "≥", "le": "≤", "geq": "≥", "leq": "≤",
    ]

    /// `depth` counts the groups an accent's or a command's argument opened: past 16 (hostile
    /// input, `\'{\'{\'{…`), the rest is taken as it stands, so no input runs the stack out.
    static func plain(_ text: String, depth: Int = 0) -> String {
        guard text.contains(where: { "\\{}~-$".contains($0) }) else { return text }
        let characters = Array(text)
        var out = ""
        var index = 0
        /// The next argument: a braced group (its plain text) or one character; nil at the end.
        func argument() -> String? {
            while index < characters.count, characters[index] == " " { index += 1 }
            guard index < characters.count else { return nil }
            if characters[index] == "{" {
                var open = 0
                let start = index
                while index < characters.count {
                    if characters[index] == "{" { open += 1 }
                    if characters[index] == "}" {
                        open -= 1
                        if open == 0 { break }
                    }
                    index += 1
                }
                let inner = String(characters[(start + 1)..<min(index, characters.count)])
                index += 1
                return depth < 16 ? plain(inner, depth: depth + 1) : inner.filter { !"\\{}".contains($0) }
            }
            if characters[index] == "\\", index + 1 < characters.count, characters[index + 1].isLetter {
                index += 1
                var name = ""
                while index < characters.count, characters[index].isLetter {
                    name.append(characters[index])
                    index += 1
                }
                return letters[name] ?? name
            }
            defer { index += 1 }
            return String(characters[index])
        }
        while index < characters.count {
            let c = characters[index]
            switch c {
            case "\\":
                index += 1
                guard index < characters.count else { break }
                let next = characters[index]
                if let mark = accents[String(next)],
                    !next.isLetter || !(index + 1 < characters.count && characters[index + 1].isLetter)
                {
                    index += 1
                    if let base = argument() {
                        var letter = base.first.map(String.init) ?? ""
                        if letter == "ı" { letter = "i" }
                        out += (letter + String(mark)).precomposedStringWithCanonicalMapping + base.dropFirst()
                    }
                } else if next.isLetter {
                    var name = ""
                    while index < characters.count, characters[index].isLetter {
                        name.append(characters[index])
                        index += 1
                    }
                    if let letter = letters[name] {
                        out += letter
                        if index < characters.count, characters[index] == " " { index += 1 }
                    } else if index < characters.count, characters[index] == "{", let inner = argument() {
                        out += inner  // \emph{x}, \textit{x}: the text without its style
                    } else if index < characters.count, characters[index] == " " {
                        index += 1
                    }
                } else {
                    out.append(next)  // \& \% \$ \# \_ \{ \}
                    index += 1
                }
            case "{", "}", "$":
                index += 1
            case "~":
                out.append(" ")
                index += 1
            case "-":
                var run = 0
                while index < characters.count, characters[index] == "-" {
                    run += 1
                    index += 1
                }
                out += run == 2 ? "–" : run == 3 ? "—" : String(repeating: "-", count: run)
            default:
                out.append(c)
                index += 1
            }
        }
        return out
    }
}
