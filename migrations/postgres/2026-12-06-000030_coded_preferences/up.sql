-- Issue 9 item 7 (CUS-4): education, marital status, preferred language and preferred
-- channel become codes of hcrm-domain's vocabularies (Education, MaritalStatus,
-- PreferredLanguage, ContactChannel), labelled in both languages by the web app.
-- Words stored before are mapped to their code; a code stays; anything else becomes
-- `other` (education, marital status, language) or NULL (channel: ContactChannel has no
-- "other", and a channel nobody can name is no preference).
UPDATE customer_profiles SET education = CASE
    WHEN education IS NULL OR TRIM(education) = '' THEN NULL
    WHEN education IN ('none', 'primary', 'junior_high', 'senior_high', 'college', 'bachelor', 'master', 'doctorate', 'other') THEN education
    WHEN education IN ('无', '文盲', '未上学') THEN 'none'
    WHEN education IN ('小学') THEN 'primary'
    WHEN education IN ('初中') THEN 'junior_high'
    WHEN education IN ('高中', '中专', '职高', '技校', '高中/中专') THEN 'senior_high'
    WHEN education IN ('大专', '专科') THEN 'college'
    WHEN education IN ('本科', '大学', '学士') THEN 'bachelor'
    WHEN education IN ('硕士', '研究生') THEN 'master'
    WHEN education IN ('博士') THEN 'doctorate'
    ELSE 'other' END;
UPDATE customer_profiles SET marital_status = CASE
    WHEN marital_status IS NULL OR TRIM(marital_status) = '' THEN NULL
    WHEN marital_status IN ('single', 'married', 'divorced', 'widowed', 'other') THEN marital_status
    WHEN marital_status IN ('未婚', '单身') THEN 'single'
    WHEN marital_status IN ('已婚', '已婚已育', '已婚未育') THEN 'married'
    WHEN marital_status IN ('离异', '离婚') THEN 'divorced'
    WHEN marital_status IN ('丧偶') THEN 'widowed'
    ELSE 'other' END;
UPDATE customer_profiles SET preferred_language = CASE
    WHEN preferred_language IS NULL OR TRIM(preferred_language) = '' THEN NULL
    WHEN preferred_language IN ('zh', 'yue', 'en', 'ja', 'ko', 'other') THEN preferred_language
    WHEN preferred_language IN ('zh-CN', 'zh_CN', '中文', '普通话', '汉语', '国语') THEN 'zh'
    WHEN preferred_language IN ('粤语', '广东话', 'cantonese', 'Cantonese') THEN 'yue'
    WHEN preferred_language IN ('英语', '英文', 'English', 'english') THEN 'en'
    WHEN preferred_language IN ('日语', '日文', 'Japanese') THEN 'ja'
    WHEN preferred_language IN ('韩语', '韩文', 'Korean') THEN 'ko'
    ELSE 'other' END;
UPDATE customer_profiles SET preferred_channel = CASE
    WHEN preferred_channel IS NULL OR TRIM(preferred_channel) = '' THEN NULL
    WHEN preferred_channel IN ('phone', 'sms', 'wechat', 'qq', 'email', 'letter', 'visit', 'face_to_face', 'online_chat') THEN preferred_channel
    WHEN preferred_channel IN ('电话', '手机', 'Phone', 'tel') THEN 'phone'
    WHEN preferred_channel IN ('短信', 'SMS') THEN 'sms'
    WHEN preferred_channel IN ('微信', 'WeChat', 'Wechat', 'weixin') THEN 'wechat'
    WHEN preferred_channel IN ('QQ') THEN 'qq'
    WHEN preferred_channel IN ('邮件', '电子邮件', '邮箱', 'e-mail', 'E-mail', 'Email') THEN 'email'
    WHEN preferred_channel IN ('信函', '信件') THEN 'letter'
    WHEN preferred_channel IN ('上门', '上门拜访') THEN 'visit'
    WHEN preferred_channel IN ('面谈', '当面') THEN 'face_to_face'
    WHEN preferred_channel IN ('在线', '在线咨询') THEN 'online_chat'
    ELSE NULL END;
