using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Clientele.Tests.Fakes;

/// <summary>
/// A minimal SMTP server on loopback that speaks the real protocol (RFC 5321): 220 greeting,
/// EHLO/HELO, MAIL FROM, RCPT TO, DATA (CRLF lines, dot-stuffing, "." to end), RSET, NOOP, QUIT,
/// with the usual 503 for commands out of order. It records every accepted message as raw text
/// and can be told to answer the end of DATA with an error (451, 550 …) for the next N messages.
/// </summary>
public sealed partial class SmtpSink : IAsyncDisposable
{
    public const string Hostname = "sink.test";

    public sealed record Received(string MailFrom, IReadOnlyList<string> RcptTo, string Raw, DateTime At)
    {
        /// <summary>Unfolded headers in order (a name can repeat).</summary>
        public IReadOnlyList<(string Name, string Value)> Headers => ParseHeaders(Raw);

        /// <summary>The first header of that name, RFC 2047 encoded-words decoded; null when absent.</summary>
        public string? Header(string name) => Headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => DecodeWords(h.Value)).FirstOrDefault();

        /// <summary>The body decoded from its Content-Transfer-Encoding (7bit, 8bit, quoted-printable, base64).</summary>
        public string Body
        {
            get
            {
                var at = Raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                var body = at < 0 ? "" : Raw[(at + 4)..];
                return (Header("Content-Transfer-Encoding") ?? "7bit").Trim().ToLowerInvariant() switch
                {
                    "quoted-printable" => DecodeQuotedPrintable(body),
                    "base64" => Encoding.UTF8.GetString(Convert.FromBase64String(Regex.Replace(body, @"\s", ""))),
                    _ => body,
                };
            }
        }
    }

    public sealed record Rejection(int Code, string MailFrom, IReadOnlyList<string> RcptTo, DateTime At);

    private sealed record Failure(int Code, string Text, string? Recipient);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Failure> _failures = [];
    private readonly ConcurrentDictionary<int, TcpClient> _clients = new();
    private Task _accepting = Task.CompletedTask;
    private int _sessions;
    private int _queued;

    public ConcurrentQueue<Received> Messages { get; } = new();
    public ConcurrentQueue<Rejection> Rejections { get; } = new();
    /// <summary>Every command line the sink read (outside DATA), for protocol assertions.</summary>
    public ConcurrentQueue<string> Commands { get; } = new();
    public string Host => "127.0.0.1";
    public int Port { get; private set; }
    public int Sessions => Volatile.Read(ref _sessions);

    public static Task<SmtpSink> StartAsync()
    {
        var sink = new SmtpSink();
        sink._listener.Start();
        sink.Port = ((IPEndPoint)sink._listener.LocalEndpoint).Port;
        sink._accepting = Task.Run(sink.AcceptLoopAsync);
        return Task.FromResult(sink);
    }

    /// <summary>The next <paramref name="times"/> messages (to <paramref name="recipient"/> when given) are refused with <paramref name="code"/> at the end of DATA.</summary>
    public void FailNext(int times, int code, string? recipient = null, string? text = null)
    {
        text ??= code switch
        {
            >= 400 and < 500 => "4.3.0 Temporary failure, try again later",
            550 => "5.1.1 Mailbox unavailable",
            _ => "5.0.0 Permanent failure",
        };
        lock (_failures)
            for (var i = 0; i < times; i++) _failures.Add(new Failure(code, text, recipient?.ToLowerInvariant()));
    }

    public IEnumerable<Received> To(string address) =>
        Messages.Where(m => m.RcptTo.Any(r => r.Equals(address, StringComparison.OrdinalIgnoreCase)));

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (SocketException) { continue; }
            var id = Interlocked.Increment(ref _sessions);
            _clients[id] = client;
            _ = Task.Run(async () =>
            {
                try { await SessionAsync(client); }
                catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException) { }
                finally
                {
                    _clients.TryRemove(id, out _);
                    client.Dispose();
                }
            });
        }
    }

    private async Task SessionAsync(TcpClient client)
    {
        var ct = _stop.Token;
        await using var stream = client.GetStream();
        var reader = new LineReader(stream);
        async Task ReplyAsync(string text) => await stream.WriteAsync(Encoding.ASCII.GetBytes(text + "\r\n"), ct);

        await ReplyAsync($"220 {Hostname} ESMTP SmtpSink ready");
        var greeted = false;
        string? mailFrom = null;
        var rcpts = new List<string>();
        while (true)
        {
            var line = await reader.ReadLineAsync(ct);
            if (line is null) return;
            Commands.Enqueue(line);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
            var arg = space < 0 ? "" : line[(space + 1)..].Trim();
            switch (verb)
            {
                case "EHLO" when arg.Length > 0:
                    greeted = true;
                    (mailFrom, rcpts) = (null, []);
                    await ReplyAsync($"250-{Hostname} greets {arg}\r\n250-8BITMIME\r\n250-SIZE 10485760\r\n250 HELP");
                    break;
                case "HELO" when arg.Length > 0:
                    greeted = true;
                    (mailFrom, rcpts) = (null, []);
                    await ReplyAsync($"250 {Hostname}");
                    break;
                case "EHLO" or "HELO":
                    await ReplyAsync("501 5.5.4 Syntax: EHLO hostname");
                    break;
                case "MAIL":
                    if (!greeted) await ReplyAsync("503 5.5.1 Send EHLO or HELO first");
                    else if (mailFrom is not null) await ReplyAsync("503 5.5.1 Nested MAIL command");
                    else if (Path(arg, "FROM:") is not { } from) await ReplyAsync("501 5.5.4 Syntax: MAIL FROM:<address>");
                    else { mailFrom = from; await ReplyAsync("250 2.1.0 Sender OK"); }
                    break;
                case "RCPT":
                    if (mailFrom is null) await ReplyAsync("503 5.5.1 Need MAIL before RCPT");
                    else if (Path(arg, "TO:") is not { Length: > 0 } to) await ReplyAsync("501 5.5.4 Syntax: RCPT TO:<address>");
                    else { rcpts.Add(to); await ReplyAsync("250 2.1.5 Recipient OK"); }
                    break;
                case "DATA":
                    if (mailFrom is null || rcpts.Count == 0) { await ReplyAsync("503 5.5.1 Need MAIL and RCPT before DATA"); break; }
                    await ReplyAsync("354 Start mail input; end with <CRLF>.<CRLF>");
                    var raw = new StringBuilder();
                    while (true)
                    {
                        var data = await reader.ReadLineAsync(ct) ?? throw new IOException("connection closed in DATA");
                        if (data == ".") break;
                        raw.Append(data.StartsWith('.') ? data[1..] : data).Append("\r\n"); // RFC 5321 4.5.2: remove the stuffed dot
                    }
                    Failure? failure;
                    lock (_failures)
                    {
                        failure = _failures.FirstOrDefault(f => f.Recipient is null || rcpts.Any(r => r.Equals(f.Recipient, StringComparison.OrdinalIgnoreCase)));
                        if (failure is not null) _failures.Remove(failure);
                    }
                    if (failure is not null)
                    {
                        Rejections.Enqueue(new Rejection(failure.Code, mailFrom, rcpts.ToList(), DateTime.UtcNow));
                        await ReplyAsync($"{failure.Code} {failure.Text}");
                    }
                    else
                    {
                        Messages.Enqueue(new Received(mailFrom, rcpts.ToList(), raw.ToString(), DateTime.UtcNow));
                        await ReplyAsync($"250 2.0.0 OK queued as SINK{Interlocked.Increment(ref _queued)}");
                    }
                    (mailFrom, rcpts) = (null, []);
                    break;
                case "RSET":
                    (mailFrom, rcpts) = (null, []);
                    await ReplyAsync("250 2.0.0 Reset OK");
                    break;
                case "NOOP":
                    await ReplyAsync("250 2.0.0 OK");
                    break;
                case "QUIT":
                    await ReplyAsync($"221 2.0.0 {Hostname} closing connection");
                    return;
                default:
                    await ReplyAsync("502 5.5.2 Command not recognized");
                    break;
            }
        }
    }

    /// <summary>"FROM:&lt;a@b&gt; BODY=8BITMIME" → "a@b" (the null path &lt;&gt; is "").</summary>
    private static string? Path(string arg, string keyword)
    {
        if (!arg.StartsWith(keyword, StringComparison.OrdinalIgnoreCase)) return null;
        var m = Regex.Match(arg[keyword.Length..].TrimStart(), @"^<([^<>\s]*)>");
        return m.Success ? m.Groups[1].Value : null;
    }

    /// <summary>SMTP lines end with CRLF only (a bare LF is data, as RFC 5321 says).</summary>
    private sealed class LineReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[8192];
        private int _start, _end;

        public async Task<string?> ReadLineAsync(CancellationToken ct)
        {
            var line = new MemoryStream();
            while (true)
            {
                while (_start < _end)
                {
                    var b = _buffer[_start++];
                    line.WriteByte(b);
                    if (b == '\n' && line.Length >= 2 && line.GetBuffer()[line.Length - 2] == '\r')
                        return Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length - 2);
                }
                var n = await stream.ReadAsync(_buffer, ct);
                if (n == 0) return null;
                (_start, _end) = (0, n);
            }
        }
    }

    internal static List<(string Name, string Value)> ParseHeaders(string raw)
    {
        var end = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var block = end < 0 ? raw : raw[..end];
        var headers = new List<(string Name, string Value)>();
        foreach (var line in block.Split("\r\n"))
        {
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t') && headers.Count > 0)
            {
                var (n, v) = headers[^1];
                headers[^1] = (n, v + " " + line.Trim());
            }
            else if (line.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon)
                headers.Add((line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }
        return headers;
    }

    /// <summary>RFC 2047: =?charset?B|Q?text?= words (adjacent words joined without the space between them).</summary>
    internal static string DecodeWords(string value) =>
        EncodedWord().Replace(Regex.Replace(value, @"(\?=)\s+(=\?)", "$1$2"), m =>
        {
            var encoding = Encoding.GetEncoding(m.Groups[1].Value);
            var text = m.Groups[3].Value;
            var bytes = m.Groups[2].Value.Equals("B", StringComparison.OrdinalIgnoreCase)
                ? Convert.FromBase64String(text)
                : Latin1Bytes(DecodeQuotedPrintable(text.Replace('_', ' '), Encoding.Latin1));
            return encoding.GetString(bytes);
        });

    private static byte[] Latin1Bytes(string s) => Encoding.Latin1.GetBytes(s);

    [GeneratedRegex(@"=\?([^?]+)\?([BbQq])\?([^?]*)\?=")]
    private static partial Regex EncodedWord();

    internal static string DecodeQuotedPrintable(string text, Encoding? encoding = null)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '=' && i + 2 < text.Length && text[i + 1] == '\r' && text[i + 2] == '\n') { i += 2; continue; } // soft line break
            if (text[i] == '=' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]))
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
                continue;
            }
            bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
        }
        return (encoding ?? Encoding.UTF8).GetString(bytes.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var c in _clients.Values) c.Dispose();
        try { await _accepting; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
