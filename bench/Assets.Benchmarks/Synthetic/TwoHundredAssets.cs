// Generated: 200 daily assets of ten years (2016-01-01 to 2025-12-28), each reading the previous one by identity,
// every fifth also reading the one before that through a 7-day window. The planning benchmark's graph.
using Assets;
using Assets.Mappings;
using Assets.Partitions;

namespace Assets.Benchmarks.Synthetic;

public sealed record SyntheticRow(int X);

public static class TwoHundredAssets
{
    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A000() => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A001([From("a000")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A002([From("a001")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A003([From("a002")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A004([From("a003")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A005([From("a004")] IEnumerable<SyntheticRow> p1, [From("a003")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A006([From("a005")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A007([From("a006")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A008([From("a007")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A009([From("a008")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A010([From("a009")] IEnumerable<SyntheticRow> p1, [From("a008")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A011([From("a010")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A012([From("a011")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A013([From("a012")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A014([From("a013")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A015([From("a014")] IEnumerable<SyntheticRow> p1, [From("a013")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A016([From("a015")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A017([From("a016")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A018([From("a017")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A019([From("a018")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A020([From("a019")] IEnumerable<SyntheticRow> p1, [From("a018")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A021([From("a020")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A022([From("a021")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A023([From("a022")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A024([From("a023")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A025([From("a024")] IEnumerable<SyntheticRow> p1, [From("a023")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A026([From("a025")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A027([From("a026")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A028([From("a027")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A029([From("a028")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A030([From("a029")] IEnumerable<SyntheticRow> p1, [From("a028")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A031([From("a030")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A032([From("a031")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A033([From("a032")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A034([From("a033")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A035([From("a034")] IEnumerable<SyntheticRow> p1, [From("a033")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A036([From("a035")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A037([From("a036")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A038([From("a037")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A039([From("a038")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A040([From("a039")] IEnumerable<SyntheticRow> p1, [From("a038")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A041([From("a040")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A042([From("a041")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A043([From("a042")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A044([From("a043")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A045([From("a044")] IEnumerable<SyntheticRow> p1, [From("a043")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A046([From("a045")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A047([From("a046")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A048([From("a047")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A049([From("a048")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A050([From("a049")] IEnumerable<SyntheticRow> p1, [From("a048")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A051([From("a050")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A052([From("a051")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A053([From("a052")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A054([From("a053")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A055([From("a054")] IEnumerable<SyntheticRow> p1, [From("a053")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A056([From("a055")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A057([From("a056")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A058([From("a057")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A059([From("a058")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A060([From("a059")] IEnumerable<SyntheticRow> p1, [From("a058")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A061([From("a060")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A062([From("a061")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A063([From("a062")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A064([From("a063")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A065([From("a064")] IEnumerable<SyntheticRow> p1, [From("a063")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A066([From("a065")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A067([From("a066")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A068([From("a067")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A069([From("a068")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A070([From("a069")] IEnumerable<SyntheticRow> p1, [From("a068")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A071([From("a070")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A072([From("a071")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A073([From("a072")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A074([From("a073")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A075([From("a074")] IEnumerable<SyntheticRow> p1, [From("a073")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A076([From("a075")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A077([From("a076")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A078([From("a077")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A079([From("a078")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A080([From("a079")] IEnumerable<SyntheticRow> p1, [From("a078")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A081([From("a080")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A082([From("a081")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A083([From("a082")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A084([From("a083")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A085([From("a084")] IEnumerable<SyntheticRow> p1, [From("a083")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A086([From("a085")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A087([From("a086")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A088([From("a087")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A089([From("a088")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A090([From("a089")] IEnumerable<SyntheticRow> p1, [From("a088")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A091([From("a090")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A092([From("a091")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A093([From("a092")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A094([From("a093")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A095([From("a094")] IEnumerable<SyntheticRow> p1, [From("a093")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A096([From("a095")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A097([From("a096")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A098([From("a097")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A099([From("a098")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A100([From("a099")] IEnumerable<SyntheticRow> p1, [From("a098")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A101([From("a100")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A102([From("a101")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A103([From("a102")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A104([From("a103")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A105([From("a104")] IEnumerable<SyntheticRow> p1, [From("a103")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A106([From("a105")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A107([From("a106")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A108([From("a107")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A109([From("a108")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A110([From("a109")] IEnumerable<SyntheticRow> p1, [From("a108")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A111([From("a110")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A112([From("a111")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A113([From("a112")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A114([From("a113")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A115([From("a114")] IEnumerable<SyntheticRow> p1, [From("a113")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A116([From("a115")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A117([From("a116")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A118([From("a117")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A119([From("a118")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A120([From("a119")] IEnumerable<SyntheticRow> p1, [From("a118")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A121([From("a120")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A122([From("a121")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A123([From("a122")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A124([From("a123")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A125([From("a124")] IEnumerable<SyntheticRow> p1, [From("a123")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A126([From("a125")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A127([From("a126")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A128([From("a127")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A129([From("a128")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A130([From("a129")] IEnumerable<SyntheticRow> p1, [From("a128")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A131([From("a130")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A132([From("a131")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A133([From("a132")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A134([From("a133")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A135([From("a134")] IEnumerable<SyntheticRow> p1, [From("a133")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A136([From("a135")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A137([From("a136")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A138([From("a137")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A139([From("a138")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A140([From("a139")] IEnumerable<SyntheticRow> p1, [From("a138")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A141([From("a140")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A142([From("a141")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A143([From("a142")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A144([From("a143")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A145([From("a144")] IEnumerable<SyntheticRow> p1, [From("a143")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A146([From("a145")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A147([From("a146")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A148([From("a147")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A149([From("a148")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A150([From("a149")] IEnumerable<SyntheticRow> p1, [From("a148")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A151([From("a150")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A152([From("a151")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A153([From("a152")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A154([From("a153")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A155([From("a154")] IEnumerable<SyntheticRow> p1, [From("a153")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A156([From("a155")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A157([From("a156")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A158([From("a157")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A159([From("a158")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A160([From("a159")] IEnumerable<SyntheticRow> p1, [From("a158")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A161([From("a160")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A162([From("a161")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A163([From("a162")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A164([From("a163")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A165([From("a164")] IEnumerable<SyntheticRow> p1, [From("a163")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A166([From("a165")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A167([From("a166")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A168([From("a167")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A169([From("a168")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A170([From("a169")] IEnumerable<SyntheticRow> p1, [From("a168")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A171([From("a170")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A172([From("a171")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A173([From("a172")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A174([From("a173")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A175([From("a174")] IEnumerable<SyntheticRow> p1, [From("a173")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A176([From("a175")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A177([From("a176")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A178([From("a177")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A179([From("a178")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A180([From("a179")] IEnumerable<SyntheticRow> p1, [From("a178")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A181([From("a180")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A182([From("a181")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A183([From("a182")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A184([From("a183")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A185([From("a184")] IEnumerable<SyntheticRow> p1, [From("a183")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A186([From("a185")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A187([From("a186")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A188([From("a187")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A189([From("a188")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A190([From("a189")] IEnumerable<SyntheticRow> p1, [From("a188")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A191([From("a190")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A192([From("a191")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A193([From("a192")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A194([From("a193")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A195([From("a194")] IEnumerable<SyntheticRow> p1, [From("a193")] [Window(-6, 0)] IEnumerable<SyntheticRow> p2) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A196([From("a195")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A197([From("a196")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A198([From("a197")] IEnumerable<SyntheticRow> p1) => [];

    [Asset]
    [DailyPartitions("2016-01-01", End = "2025-12-28")]
    public static IEnumerable<SyntheticRow> A199([From("a198")] IEnumerable<SyntheticRow> p1) => [];
}
