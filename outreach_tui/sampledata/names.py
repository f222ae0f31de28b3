"""Word lists for synthetic sample data: names, businesses, places.

Everything here is combined at random, so the people and businesses it makes are fictional.
Two regional flavours: Palembang / Sumatera Selatan (Malay-Palembang) and Surakarta /
Jawa Tengah (Javanese). Tuples, never sets: iteration order must be fixed for determinism.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- given names -------------------------------------------------------------------------

PLG_MALE = (
    "Ahmad", "Muhammad", "Rizki", "Dedi", "Hendra", "Fauzi", "Rahmat", "Firdaus", "Iskandar",
    "Zulkifli", "Syahrial", "Arman", "Herman", "Yusuf", "Ilham", "Fajar", "Andi", "Rudi",
    "Darmawan", "Syamsul", "Hasan", "Husin", "Amir", "Zainal", "Hamdan", "Bahrul", "Saiful",
    "Taufik", "Irwan", "Edi", "Novri", "Yudi", "Reza", "Fikri", "Hafiz", "Akbar", "Rian",
    "Ferdi", "Erwin", "Jefri", "Robi", "Agus", "Eko", "Hendri", "Mursyid", "Anwar", "Rosyid",
    "Sobri", "Jamal", "Kholid", "Romli", "Sulaiman", "Umar", "Usman", "Ridwan", "Fadli",
    "Arif", "Bayu", "Doni", "Gilang", "Indra", "Joni", "Kurnia", "Lukman", "Mahmud", "Nasir",
    "Okta", "Pandu", "Rasyid", "Samsudin", "Tarmizi", "Wahyu", "Yahya", "Zulham", "Aidil",
    "Alfian", "Dodi", "Ikhsan", "Mukhlis", "Rusli", "Sutan", "Yopi",
)  # fmt: skip

PLG_FEMALE = (
    "Siti", "Aminah", "Yuliana", "Rahmawati", "Nurhayati", "Fitri", "Dewi", "Rina", "Yanti",
    "Ernawati", "Herlina", "Maya", "Novita", "Rosmala", "Zubaidah", "Halimah", "Aisyah",
    "Fatimah", "Khadijah", "Mariana", "Nurlela", "Sartika", "Suryani", "Desi", "Eka", "Indah",
    "Lestari", "Mega", "Nia", "Putri", "Rika", "Sari", "Tuti", "Wulan", "Yuni", "Zahra",
    "Anisa", "Cahaya", "Dian", "Elvi", "Fitria", "Hasanah", "Ika", "Juliana", "Kartini",
    "Laila", "Mardiana", "Nuraini", "Oktaviani", "Puspita", "Ratna", "Salmah", "Titin",
    "Umi", "Vera", "Wardah", "Yusnidar", "Zaitun", "Asmah", "Badriah", "Cici", "Darmawati",
    "Elisa", "Farida", "Hartini", "Intan", "Jamilah", "Komariah", "Latifah", "Maimunah",
    "Nazwa", "Rohani", "Sumiati", "Syafitri", "Tika", "Wati", "Yusra", "Zuraida", "Lina",
    "Meri", "Reni", "Sinta",
)  # fmt: skip

SKA_MALE = (
    "Slamet", "Bambang", "Joko", "Sutrisno", "Budi", "Agus", "Heru", "Wahyu", "Sugeng",
    "Suparno", "Sumarno", "Tri", "Eko", "Dwi", "Bagus", "Adi", "Aris", "Bayu", "Catur",
    "Darmanto", "Edy", "Fajar", "Gunawan", "Hadi", "Imam", "Jarot", "Kusno", "Lilik",
    "Mulyono", "Nugroho", "Purnomo", "Rahmadi", "Sigit", "Teguh", "Untung", "Widodo",
    "Yanto", "Yulianto", "Anton", "Bowo", "Didik", "Gatot", "Haryanto", "Indarto", "Joni",
    "Kuncoro", "Marjuki", "Nanang", "Parjo", "Rohmad", "Sarno", "Suyatno", "Tugiman",
    "Wagiman", "Yusuf", "Ahmad", "Arief", "Danang", "Ferry", "Ginanjar", "Hendro", "Iwan",
    "Kristanto", "Listyo", "Muhammad", "Nur", "Prasetyo", "Rudi", "Sapto", "Sukirno",
    "Tarno", "Wiji", "Yoga", "Panji", "Aditya", "Bimo", "Damar", "Galih", "Krisna", "Seno",
    "Wisnu",
)  # fmt: skip

SKA_FEMALE = (
    "Sri", "Endang", "Tri", "Dwi", "Siti", "Sumarni", "Suparmi", "Wahyuni", "Rahayu",
    "Lestari", "Ani", "Budiati", "Catur", "Dewi", "Eni", "Fitri", "Giyem", "Harti", "Ika",
    "Juminten", "Kartini", "Lastri", "Murni", "Ninik", "Puji", "Ratna", "Sulastri",
    "Tutik", "Umi", "Wartini", "Yuli", "Anik", "Bekti", "Darsih", "Erna", "Hartini",
    "Indah", "Jumiati", "Kasih", "Listyorini", "Marsini", "Nanik", "Parmi", "Rini", "Suci",
    "Tumini", "Wulan", "Yanti", "Ayu", "Citra", "Diah", "Endah", "Fatimah", "Galuh", "Heni",
    "Intan", "Kurniasih", "Lusi", "Mega", "Novi", "Purwanti", "Retno", "Sekar", "Tari",
    "Utami", "Wening", "Yayuk", "Asih", "Ambar", "Dyah", "Kinanti", "Laras", "Menik",
    "Nining", "Pratiwi", "Ratih", "Sumi", "Tatik", "Warsini", "Winarsih", "Yati", "Rukmini",
)  # fmt: skip

# --- second names (often a patronym-like or descriptive name, not a family name) --------

PLG_SECOND_MALE = (
    "Saputra", "Pratama", "Kurniawan", "Hidayat", "Syahputra", "Firmansyah", "Ramadhan",
    "Wijaya", "Gunawan", "Setiawan", "Hakim", "Rahman", "Alamsyah", "Efendi", "Fahrurozi",
    "Ibrahim", "Ismail", "Junaidi", "Mansyur", "Nawawi", "Rasyidi", "Syafei", "Yahya",
    "Zainuddin", "Arifin", "Bakri", "Darwis", "Husni", "Lubis", "Mukti", "Nasution",
    "Rozali", "Sani", "Toha", "Umar", "Zulkarnain", "Maulana", "Aditya", "Fadillah",
)  # fmt: skip

PLG_SECOND_FEMALE = (
    "Aminah", "Sari", "Lestari", "Rahmawati", "Puspitasari", "Anggraini", "Safitri",
    "Handayani", "Oktaviani", "Wulandari", "Nurjanah", "Fitriani", "Yulianti", "Marlina",
    "Susanti", "Kurniasih", "Maharani", "Permata", "Ramadhani", "Agustina", "Febriani",
    "Novianti", "Yusnita", "Zuhra", "Hayati", "Mardiyah", "Rosidah", "Sholihah", "Utami",
)  # fmt: skip

SKA_SECOND_MALE = (
    "Santoso", "Wibowo", "Setiawan", "Susilo", "Prasetyo", "Nugroho", "Wijayanto", "Haryono",
    "Sutanto", "Purnomo", "Widodo", "Hartono", "Kuncoro", "Sulistyo", "Raharjo", "Utomo",
    "Suprapto", "Sugiarto", "Darmawan", "Hidayat", "Mulyadi", "Saputro", "Kurniawan",
    "Sasongko", "Pamungkas", "Wicaksono", "Budiman", "Cahyono", "Handoko", "Prakoso",
    "Riyanto", "Subagyo", "Triyono", "Wahyudi", "Winarno", "Yulianto", "Hermawan",
)  # fmt: skip

SKA_SECOND_FEMALE = (
    "Wahyuni", "Lestari", "Rahayu", "Susanti", "Handayani", "Wulandari", "Astuti", "Utami",
    "Mulyani", "Suryani", "Hastuti", "Purwaningsih", "Rahmawati", "Setyaningsih", "Sulistyowati",
    "Kurniasari", "Widyastuti", "Puspitasari", "Indriyani", "Ningsih", "Pertiwi", "Maryani",
    "Sundari", "Wijayanti", "Yuliani", "Anggraeni", "Kusumawati", "Nurhayati", "Prihatin",
)  # fmt: skip

# Palembang noble titles carried as part of a name (Kemas, Kiagus, Masagus; Nyimas, Nyayu).
PLG_TITLE_MALE = ("Kemas", "Kiagus", "Masagus", "Raden")
PLG_TITLE_FEMALE = ("Nyimas", "Nyayu", "Raden Ayu")

# --- businesses --------------------------------------------------------------------------
# (first word(s) of the business name, sector code); region "" = both, else "PLG"/"SKA".

BUSINESS_KINDS: tuple[tuple[str, str, str], ...] = (
    ("Warung", "perdagangan", ""), ("Toko", "perdagangan", ""),
    ("Toko Kelontong", "perdagangan", ""), ("Kios", "perdagangan", ""),
    ("Grosir", "perdagangan", ""), ("Toko Pakaian", "perdagangan", ""),
    ("Warung Makan", "kuliner", ""), ("Rumah Makan", "kuliner", ""),
    ("Kedai Kopi", "kuliner", ""), ("Martabak", "kuliner", ""), ("Bakso", "kuliner", ""),
    ("Soto", "kuliner", ""), ("Kue", "kuliner", ""),
    ("Pempek", "kuliner", "PLG"), ("Tekwan dan Model", "kuliner", "PLG"),
    ("Pindang", "kuliner", "PLG"), ("Mie Celor", "kuliner", "PLG"),
    ("Wedangan", "kuliner", "SKA"), ("Nasi Liwet", "kuliner", "SKA"),
    ("Serabi", "kuliner", "SKA"), ("Timlo", "kuliner", "SKA"),
    ("Kerupuk", "industri_rumahan", ""), ("Keripik", "industri_rumahan", ""),
    ("Tahu", "industri_rumahan", ""), ("Tempe", "industri_rumahan", ""),
    ("Roti", "industri_rumahan", ""), ("Sambal", "industri_rumahan", ""),
    ("Kemplang", "industri_rumahan", "PLG"), ("Kerupuk Ikan", "industri_rumahan", "PLG"),
    ("Intip", "industri_rumahan", "SKA"), ("Karak", "industri_rumahan", "SKA"),
    ("Songket", "kerajinan", "PLG"), ("Jumputan", "kerajinan", "PLG"),
    ("Lakuer", "kerajinan", "PLG"), ("Batik", "kerajinan", "SKA"),
    ("Batik Tulis", "kerajinan", "SKA"), ("Blangkon", "kerajinan", "SKA"),
    ("Wayang", "kerajinan", "SKA"), ("Anyaman", "kerajinan", ""), ("Mebel", "kerajinan", ""),
    ("Bengkel", "jasa", ""), ("Bengkel Motor", "jasa", ""), ("Jahit", "jasa", ""),
    ("Penjahit", "jasa", ""), ("Salon", "jasa", ""), ("Laundry", "jasa", ""),
    ("Servis HP", "jasa", ""), ("Pangkas Rambut", "jasa", ""), ("Percetakan", "jasa", ""),
    ("Tani", "pertanian", ""), ("Kebun Sayur", "pertanian", ""),
    ("Tambak", "perikanan", ""), ("Budidaya Lele", "perikanan", ""),
    ("Ikan Patin", "perikanan", "PLG"), ("Ternak Ayam", "peternakan", ""),
    ("Ternak Kambing", "peternakan", ""), ("Tukang Bangunan", "konstruksi", ""),
    ("Las", "konstruksi", ""), ("Usaha", "lainnya", ""),
    ("Pangkalan Ojek", "ojek", ""), ("Jasa Antar", "kurir", ""),
    ("Ekspedisi", "kurir", ""), ("Angkutan", "sopir", ""), ("Rental Mobil", "sopir", ""),
)  # fmt: skip

BUSINESS_SUFFIX = (
    "Berkah", "Berkah Jaya", "Sejahtera", "Makmur", "Sumber Rezeki", "Barokah", "Mandiri",
    "Jaya Abadi", "Sari", "Lestari", "Maju", "Sentosa", "Rezeki Bersama", "Amanah",
    "Harapan", "Karya", "Sehati", "Bunda", "Keluarga", "Putra", "Putri", "Tiga Saudara",
)  # fmt: skip
BUSINESS_SUFFIX_PLG = ("Ampera", "Musi", "Sriwijaya", "Bari", "Kito", "Wong Kito")
BUSINESS_SUFFIX_SKA = ("Bengawan", "Sekar Arum", "Laweyan", "Kauman", "Manunggal", "Rejeki")
# Honorifics before the owner's first name: "Pempek Cek Ina", "Nasi Liwet Bu Sri".
HONORIFIC_PLG: dict[str, tuple[str, ...]] = {"F": ("Cek", "Bu", "Yuk"), "M": ("Mang", "Pak", "Kak")}
HONORIFIC_SKA: dict[str, tuple[str, ...]] = {
    "F": ("Bu", "Mbak", "Mbok"),
    "M": ("Pak", "Mas", "Pakde"),
}

# --- places ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regency:
    """A regency/city: NIK code (PPKK), how many districts it has, and address parts."""

    code: str
    city: str  # as written at the end of an address
    districts: int
    villages: tuple[str, ...]  # kelurahan / desa
    streets: tuple[str, ...]


PALEMBANG_STREETS = (
    "Jenderal Sudirman", "Kolonel Atmo", "Demang Lebar Daun", "Angkatan 45", "Veteran",
    "Merdeka", "Kapten A. Rivai", "Basuki Rahmat", "R. Sukamto", "Mayor Ruslan",
    "Letda A. Rozak", "Srijaya Negara", "Mayor Salim Batubara", "KH. Wahid Hasyim",
    "Ki Merogan", "Ahmad Yani", "Macan Lindungan", "Residen Abdul Rozak", "Seduduk Putih",
    "Pangeran Ratu", "Sultan Mahmud Badaruddin II", "Kebun Bunga", "Bambang Utoyo",
    "Perindustrian", "Sukabangun", "Kemuning", "Mangkunegara", "Lunjuk Jaya", "Radial",
)  # fmt: skip
PALEMBANG_VILLAGES = (
    "Sekip Jaya", "Lorok Pakjo", "Demang Lebar Daun", "Bukit Lama", "Sialang", "Kemuning",
    "Talang Aman", "9 Ilir", "24 Ilir", "26 Ilir", "30 Ilir", "3-4 Ulu", "7 Ulu", "Plaju Ulu",
    "Sukajaya", "Sukarami", "Kebun Bunga", "Talang Betutu", "Kenten", "Lebong Gajah", "Sako",
    "Pipa Reja", "Karya Baru", "Bukit Sangkal", "Sei Selincah", "15 Ulu", "Tangga Takat",
    "Kalidoni", "20 Ilir D I", "Talang Semut",
)  # fmt: skip
SURAKARTA_STREETS = (
    "Slamet Riyadi", "Adi Sucipto", "Ahmad Yani", "Kapten Mulyadi", "Veteran", "Yos Sudarso",
    "Dr. Radjiman", "Kolonel Sutarto", "Ir. Sutami", "Urip Sumoharjo", "Letjen Suprapto",
    "Sam Ratulangi", "Samanhudi", "Honggowongso", "Gatot Subroto", "Bhayangkara",
    "Kahuripan", "Tentara Pelajar", "Kapten Piere Tendean", "Sumpah Pemuda",
    "Letjen Sutoyo", "Monginsidi", "Rajiman", "Transmigrasi", "Kebangkitan Nasional",
)  # fmt: skip
SURAKARTA_VILLAGES = (
    "Laweyan", "Sondakan", "Pajang", "Kerten", "Jajar", "Karangasem", "Penumping",
    "Sriwedari", "Kemlayan", "Kauman", "Keprabon", "Kepatihan Wetan", "Setabelan",
    "Gilingan", "Nusukan", "Kadipiro", "Banyuanyar", "Sumber", "Mojosongo", "Jebres",
    "Pucangsawit", "Sewu", "Jagalan", "Gandekan", "Sangkrah", "Semanggi", "Joyosuran",
    "Kedung Lumbu", "Baluwarti", "Gajahan",
)  # fmt: skip
VILLAGE_STREETS = (
    "Raya", "Merdeka", "Pemuda", "Pahlawan", "Kenanga", "Melati", "Mawar", "Flamboyan",
    "Cempaka", "Mangga", "Nangka", "Rambutan", "Masjid", "Pasar", "Lintas Desa",
)  # fmt: skip

PLG_REGENCIES = (
    Regency("1671", "Palembang", 18, PALEMBANG_VILLAGES, PALEMBANG_STREETS),
    Regency("1607", "Banyuasin", 19, ("Talang Kelapa", "Sukajadi", "Kenten Laut",
            "Pangkalan Balai", "Sungai Rengit", "Tanjung Lago"), VILLAGE_STREETS),
    Regency("1610", "Ogan Ilir", 16, ("Indralaya", "Tanjung Raja", "Pemulutan",
            "Tanjung Batu", "Muara Kuang"), VILLAGE_STREETS),
    Regency("1674", "Prabumulih", 6, ("Gunung Ibul", "Muara Dua", "Prabu Jaya",
            "Karang Raja", "Tugu Kecil"), VILLAGE_STREETS),
    Regency("1603", "Muara Enim", 22, ("Tanjung Enim", "Muara Enim", "Gelumbang",
            "Lawang Kidul", "Air Lintang"), VILLAGE_STREETS),
)  # fmt: skip
PLG_REGENCY_WEIGHTS = (80, 8, 5, 4, 3)

SKA_REGENCIES = (
    Regency("3372", "Surakarta", 5, SURAKARTA_VILLAGES, SURAKARTA_STREETS),
    Regency("3311", "Sukoharjo", 12, ("Grogol", "Madegondo", "Langenharjo", "Kartasura",
            "Gumpang", "Pabelan", "Mojolaban", "Baki", "Gatak", "Telukan"), VILLAGE_STREETS),
    Regency("3313", "Karanganyar", 17, ("Colomadu", "Gawanan", "Jaten", "Papahan",
            "Tasikmadu", "Ngringo"), VILLAGE_STREETS),
    Regency("3310", "Klaten", 26, ("Delanggu", "Ceper", "Pedan", "Wedi", "Prambanan",
            "Jonggrangan"), VILLAGE_STREETS),
    Regency("3309", "Boyolali", 22, ("Banyudono", "Ngemplak", "Sawit", "Teras",
            "Mojosongo"), VILLAGE_STREETS),
)  # fmt: skip
SKA_REGENCY_WEIGHTS = (65, 15, 10, 5, 5)

PLG_BIRTH_PLACES = (
    "Palembang", "Palembang", "Palembang", "Lahat", "Baturaja", "Prabumulih", "Muara Enim",
    "Kayu Agung", "Sekayu", "Lubuk Linggau", "Pagar Alam", "Indralaya", "Jambi", "Bengkulu",
)  # fmt: skip
SKA_BIRTH_PLACES = (
    "Surakarta", "Surakarta", "Surakarta", "Sukoharjo", "Klaten", "Boyolali", "Karanganyar",
    "Wonogiri", "Sragen", "Solo", "Yogyakarta", "Semarang", "Salatiga",
)  # fmt: skip

# --- leads -------------------------------------------------------------------------------

LEAD_INTERESTS = (
    "Tanya iuran bulanan untuk pemilik usaha", "Ingin daftarkan pekerja bulan depan",
    "Tanya manfaat beasiswa anak", "Tanya JHT dan cara pencairan", "Minta brosur JKK dan JKM",
    "Tanya potongan iuran 50 persen", "Mau diskusi dulu dengan suami/istri",
    "Tanya cara bayar iuran lewat aplikasi", "Belum membawa KTP", "Tanya santunan kematian",
)  # fmt: skip
LEAD_NOTES = (
    "Hubungi lewat WhatsApp sore hari", "Usaha baru buka bulan lalu",
    "Punya 3 pekerja lepas", "Minta dikunjungi ke tempat usaha", "Datang bersama teman",
)  # fmt: skip
