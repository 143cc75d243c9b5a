using System.Text;

namespace MetaLlm.Replay.DatasetReaders;

/// <summary>
/// Reads RFC 4180 CSV records one at a time: quoted fields may hold commas, doubled quotes and line breaks. Reports
/// the line each record starts on.
/// </summary>
internal sealed class CsvRecordReader
{
    private readonly TextReader _reader;
    private readonly string _path;
    private readonly StringBuilder _field = new();
    private int _line = 1;

    public CsvRecordReader(TextReader reader, string path)
    {
        _reader = reader;
        _path = path;
    }

    /// <summary>Reads the next record; <see langword="null"/> at the end of the input.</summary>
    public List<string>? ReadRecord(out int startLine)
    {
        startLine = _line;
        if (_reader.Peek() < 0)
        {
            return null;
        }

        var fields = new List<string>();
        _field.Clear();
        bool quoted = false;
        bool fieldStarted = false;
        while (true)
        {
            int c = _reader.Read();
            if (quoted)
            {
                if (c < 0)
                {
                    throw new ReplayDataException(_path, startLine, "a quoted field is never closed (missing '\"').");
                }

                if (c == '"')
                {
                    if (_reader.Peek() == '"')
                    {
                        _reader.Read();
                        _field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        _line++;
                    }

                    _field.Append((char)c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when !fieldStarted:
                    quoted = true;
                    fieldStarted = true;
                    break;
                case ',':
                    fields.Add(_field.ToString());
                    _field.Clear();
                    fieldStarted = false;
                    break;
                case '\r':
                    break;
                case '\n':
                case < 0:
                    if (c == '\n')
                    {
                        _line++;
                    }

                    fields.Add(_field.ToString());
                    return fields;
                default:
                    _field.Append((char)c);
                    fieldStarted = true;
                    break;
            }
        }
    }
}
