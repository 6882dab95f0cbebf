using System.Buffers.Binary;
using System.Globalization;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Text;

namespace Assets.CodeVersions;

/// <summary>
/// Builds the canonical text of one asset method's body and of the compiler-generated helpers it
/// reaches, for <see cref="MethodBodyHasher"/>. One instance per computation; not thread-safe.
/// </summary>
internal sealed class MethodBodyCanonicalizer
{
    // Bump when the text changes shape: every default code version changes with it.
    private const string FormatTag = "assets-code-version/1";
    private const int RootId = 0;
    private const string PrivateImplementationDetails = "<PrivateImplementationDetails>";

    private readonly MethodInfo _root;
    private readonly Module _module;
    private readonly MemberNameFormatter _names;
    private readonly StringBuilder _text = new();

    // Helpers by MethodDef token (all live in _module), numbered by first use; the root is 0.
    private readonly Dictionary<int, int> _helperIds = [];
    private readonly Queue<(MethodBase Method, int Id)> _pending = new();

    /// <summary>Prepares to describe <paramref name="root"/>.</summary>
    public MethodBodyCanonicalizer(MethodInfo root)
    {
        _root = root;
        _module = root.Module;
        var owner = root.DeclaringType;
        _names = new MemberNameFormatter(owner is { IsGenericType: true } ? owner.GetGenericTypeDefinition() : owner);
    }

    /// <summary>The canonical text.</summary>
    /// <exception cref="ArgumentException">The root method has no IL body.</exception>
    public string Build()
    {
        var body = BodyOf(_root) ?? throw new ArgumentException(
            $"Method {Describe(_root)} has no IL body (it is abstract, an interface method without a default, extern or "
            + "implemented by the runtime), so no code version can be derived from it; declare an explicit code version.",
            "method");

        _text.Append(FormatTag).Append('\n');
        _helperIds[_root.MetadataToken] = RootId;
        WriteBody(_root, body);

        while (_pending.TryDequeue(out var next))
        {
            _text.Append("helper #").Append(Invariant(next.Id)).Append(' ').Append(_names.Method(next.Method)).Append('\n');
            var helperBody = BodyOf(next.Method);
            if (helperBody is null)
            {
                _text.Append("no body\n");
            }
            else
            {
                WriteBody(next.Method, helperBody);
            }
        }

        return _text.ToString();
    }

    private static MethodBody? BodyOf(MethodBase method)
    {
        try
        {
            return method.GetMethodBody();
        }
        catch (InvalidOperationException)
        {
            return null; // e.g. a DynamicMethod
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private static string Describe(MethodBase method) => $"'{method.DeclaringType?.FullName}.{method.Name}'";

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private void WriteBody(MethodBase method, MethodBody body)
    {
        WriteSignature(method);
        WriteLocals(method, body);
        WriteExceptionClauses(body);
        WriteIl(method, body.GetILAsByteArray() ?? []);
        WriteStateMachine(method);
    }

    // The shape of the method, never its name or its declaring type's name: a rename or a move to
    // another class does not change what the body computes, so it must not make its data stale
    // (the asset is identified by its key, not by where its method lives).
    private void WriteSignature(MethodBase method)
    {
        _text.Append("static=").Append(method.IsStatic ? '1' : '0')
            .Append(" arity=").Append(Invariant(method.IsGenericMethod ? method.GetGenericArguments().Length : 0))
            .Append(" varargs=").Append((method.CallingConvention & CallingConventions.VarArgs) != 0 ? '1' : '0');
        if (method is MethodInfo info)
        {
            _text.Append(" returns ").Append(_names.Type(info.ReturnType));
        }

        _text.Append('\n');
        foreach (var parameter in method.GetParameters())
        {
            _text.Append("param ").Append(_names.Type(parameter.ParameterType));
            if (parameter.IsOut)
            {
                _text.Append(" out");
            }

            if (parameter.IsIn)
            {
                _text.Append(" in");
            }

            _text.Append('\n');
        }
    }

    private void WriteLocals(MethodBase method, MethodBody body)
    {
        _text.Append("initlocals=").Append(body.InitLocals ? '1' : '0').Append('\n');
        try
        {
            foreach (var local in body.LocalVariables)
            {
                _text.Append("local ").Append(Invariant(local.LocalIndex)).Append(' ').Append(_names.Type(local.LocalType));
                if (local.IsPinned)
                {
                    _text.Append(" pinned");
                }

                _text.Append('\n');
            }
        }
        catch (Exception e) when (IsLoadFailure(e))
        {
            throw new InvalidOperationException($"Cannot load the local variable types of {Describe(method)}: {e.Message}", e);
        }
    }

    private void WriteExceptionClauses(MethodBody body)
    {
        foreach (var clause in body.ExceptionHandlingClauses)
        {
            _text.Append("eh ").Append(clause.Flags.ToString())
                .Append(" try=").Append(Invariant(clause.TryOffset)).Append('+').Append(Invariant(clause.TryLength))
                .Append(" handler=").Append(Invariant(clause.HandlerOffset)).Append('+').Append(Invariant(clause.HandlerLength));
            if (clause.Flags == ExceptionHandlingClauseOptions.Clause)
            {
                _text.Append(" catch ").Append(clause.CatchType is { } catchType ? _names.Type(catchType) : "?");
            }
            else if (clause.Flags == ExceptionHandlingClauseOptions.Filter)
            {
                _text.Append(" filter=").Append(Invariant(clause.FilterOffset));
            }

            _text.Append('\n');
        }
    }

    private void WriteStateMachine(MethodBase method)
    {
        // async, iterator and async-iterator methods keep their whole body in the state machine's
        // MoveNext; the method itself only creates and starts it.
        if (method.GetCustomAttribute<StateMachineAttribute>(inherit: false) is not { StateMachineType: { } stateMachine } attribute)
        {
            return;
        }

        var moveNext = stateMachine.GetMethod(
            "MoveNext", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly, []);
        _text.Append("state machine ").Append(attribute.GetType().Name).Append(' ').Append(_names.Type(stateMachine));
        if (moveNext is not null && moveNext.Module == _module)
        {
            _text.Append(" helper #").Append(Invariant(Follow(moveNext)));
        }

        _text.Append('\n');
    }

    private void WriteIl(MethodBase method, byte[] il)
    {
        var context = Context.Of(method);
        _text.Append("il ").Append(Invariant(il.Length)).Append('\n');
        var position = 0;
        while (position < il.Length)
        {
            var offset = position;
            OpCode opCode;
            try
            {
                opCode = IlOpCodeTable.Read(il, ref position);
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException($"Cannot decode the IL of {Describe(method)}: {e.Message}", e);
            }

            _text.Append(unchecked((ushort)opCode.Value).ToString("X4", CultureInfo.InvariantCulture)).Append(' ').Append(opCode.Name);
            var operand = il.AsSpan(position);
            switch (opCode.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                    _text.Append(' ').Append(Invariant(unchecked((sbyte)operand[0])));
                    position += 1;
                    break;
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    _text.Append(' ').Append(Invariant(operand[0]));
                    position += 1;
                    break;
                case OperandType.InlineVar:
                    _text.Append(' ').Append(Invariant(BinaryPrimitives.ReadUInt16LittleEndian(operand)));
                    position += 2;
                    break;
                case OperandType.InlineI:
                case OperandType.InlineBrTarget:
                    _text.Append(' ').Append(Invariant(BinaryPrimitives.ReadInt32LittleEndian(operand)));
                    position += 4;
                    break;
                case OperandType.ShortInlineR:
                    // The bits, not a formatted number: exact, and NaN payloads and -0 stay distinct.
                    _text.Append(" 0x").Append(BinaryPrimitives.ReadUInt32LittleEndian(operand).ToString("X8", CultureInfo.InvariantCulture));
                    position += 4;
                    break;
                case OperandType.InlineI8:
                    _text.Append(' ').Append(BinaryPrimitives.ReadInt64LittleEndian(operand).ToString(CultureInfo.InvariantCulture));
                    position += 8;
                    break;
                case OperandType.InlineR:
                    _text.Append(" 0x").Append(BinaryPrimitives.ReadUInt64LittleEndian(operand).ToString("X16", CultureInfo.InvariantCulture));
                    position += 8;
                    break;
                case OperandType.InlineSwitch:
                {
                    var count = BinaryPrimitives.ReadInt32LittleEndian(operand);
                    if (count < 0 || count > (il.Length - position - 4) / 4)
                    {
                        throw new InvalidOperationException($"Cannot decode the IL of {Describe(method)}: bad switch at offset {offset}.");
                    }

                    _text.Append(' ').Append(Invariant(count));
                    for (var i = 0; i < count; i++)
                    {
                        _text.Append(' ').Append(Invariant(BinaryPrimitives.ReadInt32LittleEndian(operand[(4 + (4 * i))..])));
                    }

                    position += 4 + (4 * count);
                    break;
                }

                case OperandType.InlineMethod:
                case OperandType.InlineField:
                case OperandType.InlineType:
                case OperandType.InlineTok:
                case OperandType.InlineString:
                case OperandType.InlineSig:
                {
                    var token = BinaryPrimitives.ReadInt32LittleEndian(operand);
                    _text.Append(' ');
                    try
                    {
                        WriteToken(opCode.OperandType, token, context);
                    }
                    catch (Exception e) when (IsLoadFailure(e))
                    {
                        throw new InvalidOperationException(
                            $"Cannot resolve the metadata token 0x{token:X8} at IL offset {offset} of {Describe(method)}: {e.Message}", e);
                    }

                    position += 4;
                    break;
                }

                default:
                    throw new InvalidOperationException(
                        $"Cannot decode the IL of {Describe(method)}: operand type {opCode.OperandType} of {opCode.Name} at offset {offset}.");
            }

            if (position > il.Length)
            {
                throw new InvalidOperationException($"Cannot decode the IL of {Describe(method)}: truncated operand at offset {offset}.");
            }

            _text.Append('\n');
        }
    }

    private void WriteToken(OperandType kind, int token, Context context)
    {
        switch (kind)
        {
            case OperandType.InlineMethod:
                WriteMethodReference(_module.ResolveMethod(token, context.TypeArguments, context.MethodArguments)!);
                break;
            case OperandType.InlineField:
                _text.Append(_names.Field(_module.ResolveField(token, context.TypeArguments, context.MethodArguments)!));
                break;
            case OperandType.InlineType:
                _text.Append(_names.Type(_module.ResolveType(token, context.TypeArguments, context.MethodArguments)));
                break;
            case OperandType.InlineTok:
                switch (_module.ResolveMember(token, context.TypeArguments, context.MethodArguments))
                {
                    case Type type:
                        _text.Append("type ").Append(_names.Type(type));
                        break;
                    case FieldInfo field:
                        _text.Append("field ").Append(_names.Field(field));
                        break;
                    case MethodBase referenced:
                        _text.Append("method ");
                        WriteMethodReference(referenced);
                        break;
                    case var other:
                        _text.Append("member ").Append(other?.ToString());
                        break;
                }

                break;
            case OperandType.InlineString:
                WriteString(_module.ResolveString(token));
                break;
            case OperandType.InlineSig:
                // The blob embeds type tokens of its own; they are replaced by names as well.
                _text.Append("sig ").Append(SignatureBlobDecoder.Decode(
                    _module.ResolveSignature(token),
                    typeToken => _names.Type(_module.ResolveType(typeToken, context.TypeArguments, context.MethodArguments))));
                break;
            default:
                throw new InvalidOperationException($"Operand type {kind} carries no token.");
        }
    }

    private void WriteMethodReference(MethodBase method)
    {
        if (method.Module == _module && method.MetadataToken == _root.MetadataToken)
        {
            _text.Append("self");
            if (method.IsGenericMethod)
            {
                _text.Append('<').AppendJoin(',', method.GetGenericArguments().Select(_names.Type)).Append('>');
            }

            return;
        }

        if (IsCompilerGeneratedHelper(method))
        {
            _text.Append("helper #").Append(Invariant(Follow(method))).Append(' ');
        }

        _text.Append(_names.Method(method));
    }

    /// <summary>The number of a helper, queueing its body to be written when first seen.</summary>
    private int Follow(MethodBase method)
    {
        if (_helperIds.TryGetValue(method.MetadataToken, out var id))
        {
            return id;
        }

        id = _helperIds.Count;
        _helperIds[method.MetadataToken] = id;

        // The definition (open generic type and method), so that its body is read in its own generic
        // context whatever instantiation the caller used.
        _pending.Enqueue((_module.ResolveMethod(method.MetadataToken)!, id));
        return id;
    }

    /// <summary>
    /// A lambda, local function, closure or state-machine method, or another member the compiler
    /// wrote: its name or a declaring type's contains <c>&lt;</c>, or it carries
    /// <see cref="CompilerGeneratedAttribute"/>. Only in the asset's own module (helpers of its body
    /// live there), and not <c>&lt;PrivateImplementationDetails&gt;</c>, whose members are shared
    /// by the whole assembly and named after their content.
    /// </summary>
    private bool IsCompilerGeneratedHelper(MethodBase method)
    {
        if (method.Module != _module || method.MetadataToken >> 24 != 0x06)
        {
            return false;
        }

        var generated = method.Name.Contains('<', StringComparison.Ordinal)
            || method.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false);
        for (var type = method.DeclaringType; type is not null; type = type.DeclaringType)
        {
            if (type.DeclaringType is null && type.Name.StartsWith(PrivateImplementationDetails, StringComparison.Ordinal))
            {
                return false;
            }

            generated = generated
                || type.Name.Contains('<', StringComparison.Ordinal)
                || type.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false);
        }

        return generated;
    }

    private void WriteString(string value)
    {
        _text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    _text.Append("\\\"");
                    break;
                case '\\':
                    _text.Append("\\\\");
                    break;
                case < ' ' or '\u007F' or (>= '\uD800' and <= '\uDFFF'):
                    // Control characters and lone surrogates (which UTF-8 cannot carry) as escapes.
                    _text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    break;
                default:
                    _text.Append(c);
                    break;
            }
        }

        _text.Append('"');
    }

    private static bool IsLoadFailure(Exception e)
        => e is ArgumentException or TypeLoadException or MissingMemberException or BadImageFormatException
            or FileNotFoundException or FileLoadException or NotSupportedException;

    /// <summary>The generic arguments that tokens in a body are resolved against.</summary>
    private readonly record struct Context(Type[]? TypeArguments, Type[]? MethodArguments)
    {
        public static Context Of(MethodBase method) => new(
            method.DeclaringType is { IsGenericType: true } type ? type.GetGenericArguments() : null,
            method.IsGenericMethod ? method.GetGenericArguments() : null);
    }
}
