using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace Assets.Storage.Parquet;

/// <summary>The compiled, cached way to write and read records of type <typeparamref name="T"/>.</summary>
internal sealed class RecordLayout<T>
{
    private static readonly Lazy<(RecordLayout<T>? Layout, IReadOnlyList<string> Errors)> Cached = new(Build);

    private readonly Action<object?[], T[], int> _build;

    private RecordLayout(RecordShape shape, ColumnSpec<T>[] columns, Action<object?[], T[], int> build)
    {
        Shape = shape;
        Columns = columns;
        _build = build;
    }

    public RecordShape Shape { get; }

    public IReadOnlyList<ColumnSpec<T>> Columns { get; }

    /// <summary>The layout, or a <see cref="NotSupportedException"/> that names every property to change.</summary>
    public static RecordLayout<T> Get()
    {
        (RecordLayout<T>? layout, IReadOnlyList<string> errors) = Cached.Value;
        return layout ?? throw new NotSupportedException(
            $"Records of type '{typeof(T).Name}' cannot be stored as Parquet: " + string.Join(" ", errors));
    }

    /// <summary>Fills <paramref name="rows"/> from the decoded column arrays (one per column, <c>null</c> when unread).</summary>
    public void BuildRows(object?[] decoded, T[] rows, int count) => _build(decoded, rows, count);

    private static (RecordLayout<T>?, IReadOnlyList<string>) Build()
    {
        RecordShape? shape = RecordShape.Analyze(typeof(T), out IReadOnlyList<string> errors);
        if (shape is null)
        {
            return (null, errors);
        }

        var columns = new ColumnSpec<T>[shape.Columns.Count];
        for (int i = 0; i < columns.Length; i++)
        {
            ShapeColumn column = shape.Columns[i];
            Type specType = typeof(ColumnSpec<,,>).MakeGenericType(typeof(T), column.MemberType, column.StoreType);
            columns[i] = (ColumnSpec<T>)Activator.CreateInstance(specType, column)!;
        }

        return (new RecordLayout<T>(shape, columns, CompileBuilder(shape)), errors);
    }

    /// <summary>
    /// Compiles <c>(decoded, rows, count) => { var c0 = (P0[])decoded[0]; ...; for (i...) rows[i] = new T(c0[i], ...) { P3 = c3[i] }; }</c>.
    /// </summary>
    private static Action<object?[], T[], int> CompileBuilder(RecordShape shape)
    {
        ParameterExpression decoded = Expression.Parameter(typeof(object?[]), "decoded");
        ParameterExpression rows = Expression.Parameter(typeof(T[]), "rows");
        ParameterExpression count = Expression.Parameter(typeof(int), "count");
        ParameterExpression i = Expression.Variable(typeof(int), "i");
        var locals = new List<ParameterExpression> { i };
        var body = new List<Expression>();
        var arguments = new Expression[shape.Constructor?.GetParameters().Length ?? 0];
        var bindings = new List<MemberBinding>();

        for (int c = 0; c < shape.Columns.Count; c++)
        {
            ShapeColumn column = shape.Columns[c];
            if (!column.IsRead)
            {
                continue;
            }

            ParameterExpression array = Expression.Variable(column.MemberType.MakeArrayType(), "c" + c);
            locals.Add(array);
            body.Add(Expression.Assign(array, Expression.Convert(Expression.ArrayIndex(decoded, Expression.Constant(c)), array.Type)));
            Expression value = Expression.ArrayIndex(array, i);
            if (column.ConstructorParameter >= 0)
            {
                arguments[column.ConstructorParameter] = value;
            }
            else
            {
                bindings.Add(Expression.Bind(column.Member, value));
            }
        }

        NewExpression create = shape.Constructor is null ? Expression.New(typeof(T)) : Expression.New(shape.Constructor, arguments);
        Expression record = bindings.Count == 0 ? create : Expression.MemberInit(create, bindings);
        LabelTarget done = Expression.Label("done");
        body.Add(Expression.Assign(i, Expression.Constant(0)));
        body.Add(Expression.Loop(
            Expression.IfThenElse(
                Expression.LessThan(i, count),
                Expression.Block(
                    Expression.Assign(Expression.ArrayAccess(rows, i), record),
                    Expression.PostIncrementAssign(i)),
                Expression.Break(done)),
            done));
        return Expression.Lambda<Action<object?[], T[], int>>(Expression.Block(locals, body), decoded, rows, count).Compile();
    }
}

/// <summary>One column of <typeparamref name="TRow"/>: its field and a factory for per-file buffers.</summary>
internal abstract class ColumnSpec<TRow>(ShapeColumn column)
{
    public ShapeColumn Column { get; } = column;

    public DataField Field => Column.Field;

    /// <summary>
    /// Whether a reader of rows this process just wrote may take this column's values from those rows instead of
    /// decoding the file: integers, booleans, dates and enums (a plain copy), strings (unless ill-formed UTF-16),
    /// decimals (rescaled to the column's scale when exact), UTC timestamps without ticks below the column's unit,
    /// floating point (unless a negative zero or a NaN), and nullable forms of these. Each row group's values are
    /// checked (<see cref="ColumnBuffer{TRow}.TryTakeWritten"/>); times, GUIDs and byte arrays are always decoded.
    /// </summary>
    public abstract bool CanTakeWritten { get; }

    /// <summary>
    /// Buffers for one writer or reader (never shared between two files): one a finished file released
    /// (<see cref="ColumnBuffer{TRow}.Release"/>) when there is one, so a run of many small files does not allocate
    /// new arrays for each.
    /// </summary>
    public abstract ColumnBuffer<TRow> CreateBuffer();
}

/// <summary>Per-file buffers of one column, reused from row group to row group.</summary>
internal abstract class ColumnBuffer<TRow>
{
    /// <summary>Hands the buffers back for another file's <see cref="ColumnSpec{TRow}.CreateBuffer"/>; not used after.</summary>
    public abstract void Release();

    /// <summary>Writes the column of <paramref name="count"/> rows to the row group.</summary>
    public abstract Task WriteAsync(ParquetRowGroupWriter rowGroup, TRow[] rows, int count, CancellationToken cancellationToken);

    /// <summary>Reads the column of the row group and returns its decoded values (an array of the member type).</summary>
    public abstract ValueTask<object> ReadAsync(ParquetRowGroupReader rowGroup, int count, CancellationToken cancellationToken);

    /// <summary>
    /// The values <paramref name="count"/> rows from <paramref name="start"/> of <paramref name="written"/> (the rows a
    /// file was written from, in order) read back as, taken from their members (an array of the member type, as
    /// <see cref="ReadAsync"/> returns); <c>false</c> when this column must be decoded from the file instead
    /// (see <see cref="ColumnSpec{TRow}.CanTakeWritten"/>, and <see cref="WrittenValues"/> for the values that must be).
    /// </summary>
    public abstract bool TryTakeWritten(TRow[] written, int start, int count, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out object? values);
}
