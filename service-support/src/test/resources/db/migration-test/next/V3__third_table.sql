create table third_table (id int primary key);
