/// A position in a source file: 1-based line and code-point column.
public struct TextPosition: Sendable, Codable, Equatable, Hashable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}
