using System.Globalization;
using System.Text;

namespace Assets.CodeVersions;

/// <summary>
/// Turns a stand-alone signature blob (the operand of <c>calli</c>, from
/// <see cref="System.Reflection.Module.ResolveSignature"/>) into text in which the embedded
/// TypeDefOrRefOrSpec tokens are replaced by the names of the types they stand for (ECMA-335
/// II.23.2). Those tokens shift when unrelated types are added to the assembly, so hashing the raw
/// bytes would not be stable. Best effort: a blob that does not parse is written as its raw bytes.
/// </summary>
internal sealed class SignatureBlobDecoder
{
    private const byte CallingConventionGeneric = 0x10;
    private const byte FieldSignature = 0x06;
    private const byte LocalSignature = 0x07;
    private const byte PropertySignature = 0x08;

    private readonly byte[] _blob;
    private readonly Func<int, string> _typeName;
    private readonly StringBuilder _text = new();
    private int _position;

    private SignatureBlobDecoder(byte[] blob, Func<int, string> typeName)
    {
        _blob = blob;
        _typeName = typeName;
    }

    /// <summary>
    /// Decodes <paramref name="blob"/>; <paramref name="typeName"/> turns a type token
    /// (TypeDef, TypeRef or TypeSpec) into its name.
    /// </summary>
    public static string Decode(byte[] blob, Func<int, string> typeName)
    {
        var decoder = new SignatureBlobDecoder(blob, typeName);
        try
        {
            decoder.Signature();
            if (decoder._position == blob.Length)
            {
                return decoder._text.ToString();
            }
        }
        catch (FormatException)
        {
        }
        catch (IndexOutOfRangeException)
        {
        }

        return "raw " + Convert.ToHexString(blob);
    }

    private void Signature()
    {
        var header = Byte();
        Hex(header);
        switch (header & 0x0F)
        {
            case FieldSignature:
                Type();
                return;
            case LocalSignature:
            {
                var count = Number();
                for (var i = 0; i < count; i++)
                {
                    Type();
                }

                return;
            }

            case PropertySignature:
            {
                var count = Number();
                Type();
                for (var i = 0; i < count; i++)
                {
                    Type();
                }

                return;
            }

            default:
                MethodSignatureRest(header);
                return;
        }
    }

    private void MethodSignatureRest(byte header)
    {
        if ((header & CallingConventionGeneric) != 0)
        {
            Number();
        }

        var parameterCount = Number();
        Type();
        for (var i = 0; i < parameterCount; i++)
        {
            Type();
        }
    }

    private void Type()
    {
        var element = Byte();
        Hex(element);
        switch (element)
        {
            case >= 0x01 and <= 0x0E: // void, bool, char, i1..u8, r4, r8, string
            case 0x16: // typedbyref
            case 0x18: // native int
            case 0x19: // native uint
            case 0x1C: // object
                return;
            case 0x41: // sentinel (vararg): the next parameter follows
            case 0x0F: // pointer
            case 0x10: // byref
            case 0x1D: // szarray
            case 0x45: // pinned
                Type();
                return;
            case 0x11: // valuetype
            case 0x12: // class
                TypeToken();
                return;
            case 0x1F: // required modifier
            case 0x20: // optional modifier
                TypeToken();
                Type();
                return;
            case 0x13: // generic type parameter
            case 0x1E: // generic method parameter
                Number();
                return;
            case 0x14: // general array: element, rank, sizes, lower bounds
            {
                Type();
                Number();
                var sizes = Number();
                for (var i = 0; i < sizes; i++)
                {
                    Number();
                }

                var lowerBounds = Number();
                for (var i = 0; i < lowerBounds; i++)
                {
                    Number();
                }

                return;
            }

            case 0x15: // generic instantiation
            {
                Hex(Byte());
                TypeToken();
                var count = Number();
                for (var i = 0; i < count; i++)
                {
                    Type();
                }

                return;
            }

            case 0x1B: // function pointer
                MethodSignatureRest(Hex(Byte()));
                return;
            default:
                throw new FormatException($"Unknown element type 0x{element:X2} in a signature.");
        }
    }

    private void TypeToken()
    {
        // The coded index itself is a row number that moves: read it without writing it.
        var coded = Number(write: false);
        var table = (coded & 3) switch
        {
            0 => 0x02, // TypeDef
            1 => 0x01, // TypeRef
            2 => 0x1B, // TypeSpec
            _ => throw new FormatException("Bad TypeDefOrRefOrSpec coded index in a signature."),
        };
        _text.Append('[').Append(_typeName((table << 24) | (coded >> 2))).Append(']');
    }

    private int Number(bool write = true)
    {
        var first = Byte();
        int value;
        if ((first & 0x80) == 0)
        {
            value = first;
        }
        else if ((first & 0xC0) == 0x80)
        {
            value = ((first & 0x3F) << 8) | Byte();
        }
        else if ((first & 0xE0) == 0xC0)
        {
            value = ((first & 0x1F) << 24) | (Byte() << 16) | (Byte() << 8) | Byte();
        }
        else
        {
            throw new FormatException("Bad compressed integer in a signature.");
        }

        if (write)
        {
            _text.Append('#').Append(value.ToString(CultureInfo.InvariantCulture)).Append(' ');
        }

        return value;
    }

    private byte Byte() => _blob[_position++];

    private byte Hex(byte value)
    {
        _text.Append(value.ToString("X2", CultureInfo.InvariantCulture)).Append(' ');
        return value;
    }
}
